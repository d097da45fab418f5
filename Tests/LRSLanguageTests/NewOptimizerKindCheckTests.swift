import Testing
import LRSHyperparameters
@testable import LRSLanguage

/// Issue 15's optimizer kinds in the language: PyTorch 2.13's names and defaults, values of
/// several numbers (one of which may be `none`), word values, and the ranges torch refuses.
@Suite struct NewOptimizerKindCheckTests {
    let model = "input 4\nmodel < linear 4 3; relu; linear 3 2 >\n"

    func setting(_ result: CheckResult, group: Int = 0, _ name: String) -> ArgumentValue? {
        result.script?.groups[group].hyperparameters.first { $0.name == name }?.value
    }

    @Test func muonDefaultsAreTorchs() throws {
        let result = check(model + "optimizer muon\ngroup all")
        #expect(errors(result) == [])
        let group = try #require(result.script?.groups.first)
        #expect(group.hyperparameters.map(\.name) == ["lr", "weight_decay", "momentum", "nesterov", "ns_coefficients",
                                                       "eps", "ns_steps", "adjust_lr_fn"])
        #expect(setting(result, "weight_decay")?.number == 0.1)
        #expect(setting(result, "momentum")?.number == 0.95)
        #expect(setting(result, "eps")?.number == 1e-7)
        #expect(setting(result, "ns_steps")?.text == "5")
        #expect(setting(result, "adjust_lr_fn")?.text == "original")
        #expect(setting(result, "ns_coefficients")?.text == "3.4445 -4.775 2.0315")
    }

    @Test func negativeValueInAListOfSeveralIsItsOwnValue() {
        // `3 -3.2 1.2` is three values; `3 - 3.2` stays a subtraction, as does one inside brackets.
        let result = check(model + "optimizer muon ns_coefficients 3 -3.2 1.2\ngroup all")
        #expect(errors(result) == [])
        if case .numbers(let abc)? = setting(result, "ns_coefficients") { #expect(abc == [3, -3.2, 1.2]) } else {
            Issue.record("not numbers")
        }
        let spaced = check(model + "optimizer muon ns_coefficients 3 - 0.5 (2 -1) 1\ngroup all")
        #expect(errors(spaced) == [])
        if case .numbers(let abc)? = setting(spaced, "ns_coefficients") { #expect(abc == [2.5, 1, 1]) } else {
            Issue.record("not numbers")
        }
        // One value: a minus is always an operator.
        #expect(errors(check(model + "optimizer sgd lr 0.2 -0.1\ngroup all")) == [])
    }

    @Test func adafactorEpsTakesNoneFirst() {
        let result = check(model + "optimizer adafactor\ngroup all eps none 1e-2")
        #expect(errors(result) == [])
        if case .optionalNumbers(let pair)? = setting(result, "eps") { #expect(pair == [nil, 1e-2]) } else {
            Issue.record("not optional numbers")
        }
        let defaults = check(model + "optimizer adafactor\ngroup all")
        #expect(setting(defaults, "eps")?.text == "none 0.001")
        #expect(setting(defaults, "beta2_decay")?.number == -0.8)
        // `none` only first; one value for adam; two are one too many there.
        #expect(!errors(check(model + "optimizer adafactor eps 1e-3 none\ngroup all")).isEmpty)
        #expect(errors(check(model + "optimizer adam eps 1e-6 lr 0.1\ngroup all")) == [])
        #expect(errors(check(model + "optimizer adam eps 1e-6 1e-3\ngroup all"))
                    == [.valueCount("'eps'", expected: 1, got: 2)])
    }

    @Test func twoNumbersStopAtTheGroupsOwnWords() {
        let result = check(model + "optimizer adam\ngroup all eps 1e-6 each layer optimizer adam as g")
        #expect(errors(result) == [])
        #expect(result.script?.groups.first?.each == .layer)
    }

    @Test func rangesTorchRefuses() {
        func conditions(_ line: String) -> [DiagnosticCondition] { errors(check(model + line + "\ngroup all")) }
        #expect(conditions("optimizer adafactor d 0.5") == [.valueOutOfRange("'d'", value: 0.5, range: "at least 1")])
        #expect(conditions("optimizer adafactor beta2_decay 0.1")
                    == [.valueOutOfRange("'beta2_decay'", value: 0.1, range: "at most 0")])
        #expect(conditions("optimizer adafactor eps -1 1e-3") == [.negativeHyperparameter("eps", value: -1)])
        #expect(conditions("optimizer rprop etas 1.5 1.2").count == 1)
        #expect(conditions("optimizer rprop etas 0.5 0.9").count == 1)
        #expect(conditions("optimizer rprop etas 0.5 1.2 step_sizes 1e-6 50") == [])
        #expect(conditions("optimizer muon ns_steps 100")
                    == [.valueOutOfRange("'ns_steps'", value: 100, range: "between 0 and 99")])
        #expect(conditions("optimizer muon ns_steps 2.5").count == 1)
        #expect(conditions("optimizer muon adjust_lr_fn match_rms_adamw") == [])
        #expect(conditions("optimizer muon adjust_lr_fn match_rms").count == 1)
        #expect(conditions("optimizer asgd lambd 1e-3 alpha 0.5 t0 10 weight_decay 0.1 maximize true") == [])
        #expect(conditions("optimizer asgd eps 1").count == 1)
    }

    @Test func aGroupOfItsOwnKindStartsFromThatKindsDefaults() {
        // The optimizer statement's lr is AdamW's; the Muon group starts from Muon's 1e-3.
        let result = check(model + "optimizer adamw lr 0.05 weight_decay 0.2\ngroup all where ndim == 2 optimizer muon as m\ngroup rest")
        #expect(errors(result) == [])
        #expect(setting(result, group: 0, "lr")?.number == 1e-3)
        #expect(setting(result, group: 0, "weight_decay")?.number == 0.1)
        #expect(setting(result, group: 1, "lr")?.number == 0.05)
        #expect(setting(result, group: 1, "weight_decay")?.number == 0.2)
    }

    @Test func cyclesMomentumWhereTorchDoes() {
        #expect(OptimizerKind.muon.cyclesMomentum)
        #expect(!OptimizerKind.adafactor.cyclesMomentum)
        #expect(!OptimizerKind.asgd.cyclesMomentum)
        #expect(!OptimizerKind.rprop.cyclesMomentum)
    }
}
