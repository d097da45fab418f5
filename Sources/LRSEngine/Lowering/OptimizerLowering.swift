import LRSLanguage
import LRSOptim

/// Resolved groups as optimizer configurations: the language's kinds onto the runtime's, and
/// the language's hyperparameters (Hyperparameter, PyTorch's names) onto the optimizers'
/// Swift fields, each in one exhaustive switch.
enum OptimizerLowering {
    /// The update rule the runtime follows for each kind the language accepts.
    static func runtimeKind(_ kind: LRSLanguage.OptimizerKind) -> LRSOptim.OptimizerKind {
        switch kind {
        case .sgd: return .sgd
        case .adam: return .adam
        case .adamw: return .adamw
        case .rmsprop: return .rmsprop
        case .adagrad: return .adagrad
        case .adadelta: return .adadelta
        case .adamax: return .adamax
        case .nadam: return .nadam
        case .radam: return .radam
        case .muon: return .muon
        case .adafactor: return .adafactor
        case .asgd: return .asgd
        case .rprop: return .rprop
        }
    }

    static func config(for group: ResolvedGroup) -> ParamGroupConfig {
        let kind = runtimeKind(group.optimizerKind)
        var c = ParamGroupConfig(kind: kind, learningRate: group.learningRate)
        for setting in group.hyperparameters {
            guard let hyperparameter = Hyperparameter(rawValue: setting.name) else { continue }
            let value = setting.value
            let number = value.number ?? 0
            let flag = number != 0
            switch hyperparameter {
            case .learningRate: c.learningRate = number
            case .momentum: c.momentum = number
            case .dampening: c.dampening = number
            case .nesterov: c.nesterov = flag
            case .betas:
                if case .numbers(let b) = value, b.count == 2 {
                    c.beta1 = b[0]
                    c.beta2 = b[1]
                }
            case .eps:
                // Adafactor's pair: the floor of the second moment (None: float32's epsilon)
                // and of a parameter's RMS.
                if case .optionalNumbers(let pair) = value, pair.count == 2 {
                    c.eps1 = pair[0]
                    c.eps2 = pair[1] ?? c.eps2
                } else {
                    c.eps = number
                }
            case .weightDecay: c.weightDecay = number
            case .amsgrad: c.amsgrad = flag
            case .maximize: c.maximize = flag
            case .alpha: c.alpha = number
            case .centered: c.centered = flag
            case .lrDecay: c.lrDecay = number
            case .initialAccumulatorValue: c.initialAccumulatorValue = number
            case .rho: c.rho = number
            case .momentumDecay: c.momentumDecay = number
            case .decoupledWeightDecay: c.decoupledWeightDecay = flag
            case .nsCoefficients:
                if case .numbers(let abc) = value, abc.count == 3 { c.nsCoefficients = SIMD3(abc[0], abc[1], abc[2]) }
            case .nsSteps: c.nsSteps = Int(exactly: number) ?? c.nsSteps
            case .adjustLearningRate:
                if case .symbol(let word) = value, let adjustment = MuonLearningRateAdjustment(rawValue: word) {
                    c.adjustLearningRate = adjustment
                }
            case .beta2Decay: c.beta2Decay = number
            case .clippingThreshold: c.clippingThreshold = number
            case .lambd: c.lambd = number
            case .t0: c.t0 = number
            case .etas:
                if case .numbers(let pair) = value, pair.count == 2 {
                    c.etaMinus = pair[0]
                    c.etaPlus = pair[1]
                }
            case .stepSizes:
                if case .numbers(let pair) = value, pair.count == 2 {
                    c.stepSizeMin = pair[0]
                    c.stepSizeMax = pair[1]
                }
            }
        }
        if kind == .adamw { c.decoupledWeightDecay = true }
        return c
    }
}
