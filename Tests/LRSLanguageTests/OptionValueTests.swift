import Testing
@testable import LRSLanguage

/// The values after a hyperparameter's name: the first is always a value, even when it is
/// a `let` spelled like a hyperparameter; only optional further values stop at such a name.
@Suite struct OptionValueTests {
    let model = "input 4\nmodel < linear 4 2 >\n"

    @Test func letNamedLikeTheHyperparameterIsItsValue() throws {
        let result = check(model + """
        let lr = 0.01
        let momentum = 0.5
        optimizer sgd lr lr momentum momentum
        group all lr lr momentum momentum
        """)
        #expect(errors(result) == [])
        let script = try #require(result.script)
        let group = try #require(script.groups.first)
        #expect(group.hyperparameters.first(where: { $0.name == "lr" })?.value.number == 0.01)
        #expect(group.hyperparameters.first(where: { $0.name == "momentum" })?.value.number == 0.5)
    }

    @Test func furtherValuesStillStopAtANextName() throws {
        // betas takes two values; 'lr' after one of them is the next option, as before.
        let (script, diagnostics) = parse("let b1 = 0.9\ngroup all betas b1 0.99 lr 0.1\ngroup all lr 0.1 betas 0.8 0.9")
        #expect(!diagnostics.hasErrors)
        guard script.statements.count == 3, case .group(let group) = script.statements[1].kind else {
            Issue.record("not a group")
            return
        }
        #expect(group.hyperparameters.map(\.name.text) == ["betas", "lr"])
        #expect(group.hyperparameters.map(\.values.count) == [2, 1])
    }

    @Test func trainOptionValueMayBeALet() {
        #expect(errors(check(model + "let epochs = 3\ntrain epochs epochs")).allSatisfy {
            if case .expected = $0 { return false }
            return true
        })
    }
}
