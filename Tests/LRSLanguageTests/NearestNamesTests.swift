@testable import LRSLanguage
import Testing

/// Wherever a name is wrong, the message names the nearest right ones (or lists them).
@Suite struct NearestNamesTests {
    @Test func nearestByEditsCaseInsensitive() {
        #expect(Suggestions.nearest(to: "headlr", in: ["head_lr", "base_lr", "epochs"]) == ["head_lr"])
        #expect(Suggestions.nearest(to: "conv1.wieght", in: ["conv1.weight", "conv1.bias", "fc.weight"]) == ["conv1.weight"])
        #expect(Suggestions.nearest(to: "LR", in: ["lr", "wd"]) == ["lr"])
        #expect(Suggestions.nearest(to: "zzzzzz", in: ["lr", "wd"]).isEmpty)
        #expect(Suggestions.nearest(to: "ab", in: ["ba", "ab", "xy"], limit: 1) == ["ab"])
    }

    @Test func overrideWithoutLetSuggestsTheNearestLet() {
        let result = check("let head_lr = 0.1\nmodel < linear 3 3 >", overrides: ["headlr": 0.2])
        #expect(errors(result) == [.overrideWithoutLet("headlr", suggestions: ["head_lr"])])
        #expect(result.diagnostics.first?.message == "-D headlr: the script has no 'let headlr'; did you mean 'head_lr'?")
    }

    @Test func showOfAnUnknownTargetListsTheTargets() {
        let result = check("model < linear 3 3 >\nshow foo")
        #expect(result.diagnostics.first?.message
                == "cannot show 'foo'; show takes 'model', 'groups', 'lr', 'param NAME' or 'state GROUP'")
    }

    @Test func showStateOfAnUnknownGroupNamesGroupsAndParameters() {
        let text = "model < lin: linear 3 3; out: linear 3 2 >\ngroup lin lr 0.1 as first\ngroup out lr 0.2 as second\n"
        #expect(check(text + "show state lin").diagnostics.first?.message
                == "no group is named 'lin'; the groups are 'first' and 'second'; for a parameter, 'show param lin.weight'")
        #expect(check(text + "show state frist").diagnostics.first?.message
                == "no group is named 'frist'; did you mean 'first'?")
    }
}
