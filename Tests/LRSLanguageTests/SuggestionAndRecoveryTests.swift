import Testing
@testable import LRSLanguage

/// Wrong names get the nearest names or a list of what exists; mistakes get messages that
/// say what to write; a syntax error hides no later statement's own checks.
@Suite struct SuggestionAndRecoveryTests {
    let model = "input 4\nmodel < c1: linear 4 3; relu; head: linear 3 2 >\n"

    @Test func digitSeparatorsAreNamed() {
        let (_, diagnostics) = parse("let a = 1_000\nlet b = 2_500.5")
        #expect(diagnostics.map(\.condition) == [.digitSeparator("1_000", plain: "1000"),
                                                 .digitSeparator("2_500.5", plain: "2500.5")])
        #expect(DiagnosticCondition.digitSeparator("1_000", plain: "1000").message
                == "digit separators are not allowed in numbers: write '1000', not '1_000'")
    }

    @Test func aScheduleWithoutItsGroupSaysSo() {
        let (_, diagnostics) = parse("schedule cosine 10\nschedule step\nschedule all cosine 10")
        #expect(diagnostics.map(\.condition) == [.missingScheduleGroup(schedule: "cosine"), .missingScheduleGroup(schedule: "step")])
        // A group may be named like a schedule: then a schedule follows it.
        #expect(parse("schedule cosine step 2").diagnostics.isEmpty)
    }

    @Test func unknownGroupListsTheGroupsWhenNoneIsNear() {
        let result = check(model + "group c1 lr 0.1\ngroup head lr 0.2\nschedule c cosine 10\nschedule hed step 2")
        #expect(errors(result) == [.unknownScheduleGroup("c", suggestions: [], groups: ["c1", "head", "all"]),
                                   .unknownScheduleGroup("hed", suggestions: ["head"])])
        #expect(errors(result).first?.message == "no group is named 'c'; the groups are 'c1', 'head' and 'all'")
    }

    @Test func unknownKindsListWhatExists() {
        #expect(DiagnosticCondition.unknownLayer("foo", suggestions: []).message.hasSuffix("'rmsnorm' and 'silu'"))
        #expect(DiagnosticCondition.unknownOptimizer("zzz", suggestions: []).message
                == "unknown optimizer 'zzz'; the optimizers are 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'adadelta', 'adamax', "
                   + "'nadam', 'radam', 'muon', 'adafactor', 'asgd' and 'rprop'")
        #expect(DiagnosticCondition.unknownSchedule("cosin", suggestions: ["cosine"]).message
                == "unknown schedule 'cosin'; did you mean 'cosine'?")
    }

    @Test func syntaxErrorsHideNoLaterChecks() {
        let result = check(model + """
        let a = 1 +
        optimizer adam lr a
        group c1 lr 1_000
        group head lr 0.1 momentum 0.9
        schedule c cosine 10
        show state hed
        """)
        let conditions = errors(result)
        #expect(conditions.count == 5, "\(conditions)")
        #expect(conditions.contains(.digitSeparator("1_000", plain: "1000")))
        // Checks of the whole script still run: adam's hyperparameters, group names.
        #expect(conditions.contains { if case .unknownHyperparameter("momentum", "adam", _, _) = $0 { return true }; return false })
        #expect(conditions.contains(.unknownScheduleGroup("c", suggestions: [], groups: ["head", "c1", "all"])))
        #expect(conditions.contains { if case .unknownShowGroup("hed", ["head"], _, _) = $0 { return true }; return false })
        // Not reported again: 'a' (its let was dropped), a missing model, the default optimizer.
        #expect(!conditions.contains { if case .unknownName = $0 { return true }; return false })
        #expect(!result.diagnostics.contains { $0.condition == .defaultOptimizer })
        #expect(result.script == nil)
    }

    @Test func aDroppedModelOrInputIsNotReportedMissing() {
        let result = check("input 4\nmodel < linear 4 3; relu; lineer 3 2 >\ngroup all lr 0.1")
        #expect(errors(result) == [.unknownLayer("lineer", suggestions: ["linear"])])
    }

    @Test func nearestNamesIsOneHelper() {
        #expect(Suggestions.nearest(to: "relu", in: ["relu", "gelu", "tanh"]) == ["relu", "gelu"])
        #expect(Suggestions.nearest(to: "headlr", in: ["head_lr", "body_lr"]) == ["head_lr"])
        #expect(Suggestions.nearest(to: "zzzz", in: ["head_lr"]) == [])
    }
}
