/// The optimizers' hyperparameters: the raw value is PyTorch's spelling, which the language
/// uses (`weight_decay`), the case Swift's (`weightDecay`). This is the one table between the
/// two; `OptimizerKind.defaults` lists which a kind takes, with PyTorch's defaults.
public enum Hyperparameter: String, Sendable, CaseIterable {
    case learningRate = "lr"
    case momentum
    case dampening
    case nesterov
    case betas
    case eps
    case weightDecay = "weight_decay"
    case amsgrad
    case maximize
    case alpha
    case centered
    case lrDecay = "lr_decay"
    case initialAccumulatorValue = "initial_accumulator_value"
    case rho
    case momentumDecay = "momentum_decay"
    case decoupledWeightDecay = "decoupled_weight_decay"
    case nsCoefficients = "ns_coefficients"
    case nsSteps = "ns_steps"
    case adjustLearningRate = "adjust_lr_fn"
    case beta2Decay = "beta2_decay"
    case clippingThreshold = "d"
    case lambd
    case t0
    case etas
    case stepSizes = "step_sizes"

    /// How many values follow the name in a script (`betas 0.9 0.999`), at most: `eps`
    /// takes two for adafactor and one elsewhere, so the parser reads up to two and stops
    /// early at the next option's name; the kind's ArgumentSpec says how many it takes.
    public var arity: Int {
        switch self {
        case .betas, .eps, .etas, .stepSizes: 2
        case .nsCoefficients: 3
        default: 1
        }
    }
}
