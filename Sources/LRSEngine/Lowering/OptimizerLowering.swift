import LRSLanguage
import LRSOptim

/// Resolved groups as optimizer configurations. This is the one table that maps the
/// language's hyperparameter names (PyTorch's) onto the optimizers' Swift fields.
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
        }
    }

    static func config(for group: ResolvedGroup) -> ParamGroupConfig {
        let kind = runtimeKind(group.optimizerKind)
        var c = ParamGroupConfig(kind: kind, learningRate: group.learningRate)
        for setting in group.hyperparameters {
            let value = setting.value
            let number = value.number ?? 0
            let flag = number != 0
            switch setting.name {
            case "lr": c.learningRate = number
            case "momentum": c.momentum = number
            case "dampening": c.dampening = number
            case "nesterov": c.nesterov = flag
            case "betas":
                if case .numbers(let b) = value, b.count == 2 {
                    c.beta1 = b[0]
                    c.beta2 = b[1]
                }
            case "eps": c.eps = number
            case "weight_decay": c.weightDecay = number
            case "amsgrad": c.amsgrad = flag
            case "maximize": c.maximize = flag
            case "alpha": c.alpha = number
            case "centered": c.centered = flag
            case "lr_decay": c.lrDecay = number
            case "initial_accumulator_value": c.initialAccumulatorValue = number
            case "rho": c.rho = number
            case "momentum_decay": c.momentumDecay = number
            case "decoupled_weight_decay": c.decoupledWeightDecay = flag
            default: break
            }
        }
        if kind == .adamw { c.decoupledWeightDecay = true }
        return c
    }
}
