/// The optimizers' hyperparameters: the raw value is PyTorch's spelling, which the language
/// uses (`weight_decay`), the case Swift's (`weightDecay`). This is the one table between the
/// two; OptimizerKind lists which a kind takes, with PyTorch's defaults.
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

    /// How many values follow the name in a script (`betas 0.9 0.999`).
    public var arity: Int { self == .betas ? 2 : 1 }
}
