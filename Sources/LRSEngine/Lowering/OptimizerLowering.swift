import LRSHyperparameters
import LRSLanguage
import LRSOptim

/// Resolved groups as optimizer configurations: the language's checked values onto the
/// optimizers' (LRSOptim's `ParamGroupConfig.set` maps each Hyperparameter, PyTorch's name,
/// onto its Swift field in one exhaustive switch). The checker and the runtime share one
/// `OptimizerKind`, so the kind passes as it is.
enum OptimizerLowering {
    static func config(for group: ResolvedGroup) -> ParamGroupConfig {
        let kind = group.optimizerKind
        var c = ParamGroupConfig(kind: kind, learningRate: group.learningRate)
        for setting in group.hyperparameters {
            guard let hyperparameter = Hyperparameter(rawValue: setting.name),
                  let value = value(setting.value) else { continue }
            c.set(hyperparameter, to: value)
        }
        if kind == .adamw { c.decoupledWeightDecay = true }
        return c
    }

    /// A checked value as the optimizers take it: a list as it is, a known word as its
    /// adjustment (nil for another word, which leaves the field), anything else as a number
    /// (a flag is 1 or 0; a value that is not a number, 0).
    static func value(_ value: ArgumentValue) -> HyperparameterValue? {
        switch value {
        case .numbers(let list): return .numbers(list)
        case .optionalNumbers(let list): return .optionalNumbers(list)
        case .symbol(let word): return MuonLearningRateAdjustment(rawValue: word).map(HyperparameterValue.muonAdjustment)
        default: return .number(value.number ?? 0)
        }
    }
}
