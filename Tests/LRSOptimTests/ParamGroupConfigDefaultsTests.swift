import LRSHyperparameters
import LRSOptim
import Testing

/// `ParamGroupConfig(kind:learningRate:)` starts from LRSHyperparameters' one table.
@Suite struct ParamGroupConfigDefaultsTests {
    /// Every default the table lists for the kind is what the configuration holds: setting it
    /// again changes nothing.
    @Test(arguments: OptimizerKind.allCases)
    func holdsTheKindsDefaults(_ kind: OptimizerKind) {
        let config = ParamGroupConfig(kind: kind, learningRate: 0.5)
        #expect(config.learningRate == 0.5)
        for entry in kind.defaults where entry.hyperparameter != .learningRate {
            var again = config
            again.set(entry.hyperparameter, to: entry.value)
            #expect(again == config, "\(kind.rawValue)'s \(entry.hyperparameter.rawValue)")
        }
    }

    /// A field the kind does not take holds the default of the first kind that takes it (so a
    /// checkpoint's momentum and beta1 of an sgd or adam group are what they always were).
    @Test func untakenFieldsHoldTheFirstTakersDefault() {
        let sgd = ParamGroupConfig(kind: .sgd, learningRate: 0.1)
        #expect(sgd.beta1 == 0.9 && sgd.beta2 == 0.999 && sgd.eps == 1e-8)
        #expect(ParamGroupConfig(kind: .adam, learningRate: 0.1).momentum == 0)
        #expect(ParamGroupConfig(kind: .rprop, learningRate: 0.1).alpha == 0.99)
        let adafactor = ParamGroupConfig(kind: .adafactor, learningRate: 0.1)
        #expect(adafactor.eps == 1e-8 && adafactor.eps1 == nil && adafactor.eps2 == 1e-3)
        #expect(ParamGroupConfig(kind: .adam, learningRate: 0.1).decoupledWeightDecay == false)
        #expect(ParamGroupConfig(kind: .adamw, learningRate: 0.1).decoupledWeightDecay == true)
    }
}
