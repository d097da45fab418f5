/// The hyperparameters of one parameter group, already resolved by the language.
///
/// Every field any kind reads is here; a kind ignores the fields it does not take. Fields
/// that schedules change at run time (`learningRate`, `momentum`, `beta1`) are read at every
/// step, so changing them in `Optimizer.groups` takes effect at the next `step()`.
public struct ParamGroupConfig: Sendable, Equatable {
    /// The update rule this group follows.
    public var kind: OptimizerKind
    /// `lr`.
    public var learningRate: Double
    /// `momentum` (sgd, rmsprop).
    public var momentum: Double
    /// `dampening` (sgd).
    public var dampening: Double
    /// `nesterov` (sgd).
    public var nesterov: Bool
    /// `betas[0]` (adam-like kinds).
    public var beta1: Double
    /// `betas[1]` (adam-like kinds).
    public var beta2: Double
    /// `eps`.
    public var eps: Double
    /// `weight_decay`.
    public var weightDecay: Double
    /// `amsgrad` (adam, adamw).
    public var amsgrad: Bool
    /// `maximize`: ascend instead of descend.
    public var maximize: Bool
    /// `alpha`: the smoothing constant of rmsprop.
    public var alpha: Double
    /// `centered` (rmsprop).
    public var centered: Bool
    /// `lr_decay` (adagrad).
    public var lrDecay: Double
    /// `initial_accumulator_value` (adagrad).
    public var initialAccumulatorValue: Double
    /// `rho` (adadelta).
    public var rho: Double
    /// `momentum_decay` (nadam).
    public var momentumDecay: Double
    /// `decoupled_weight_decay` (adam, nadam, radam; always true for adamw).
    public var decoupledWeightDecay: Bool

    /// A configuration holding PyTorch's constructor defaults for `kind` and the given rate.
    ///
    /// The language resolves every value itself and overwrites these fields; the defaults
    /// here serve tests and benchmarks.
    public init(kind: OptimizerKind, learningRate: Double) {
        self.kind = kind
        self.learningRate = learningRate
        momentum = 0
        dampening = 0
        nesterov = false
        beta1 = 0.9
        beta2 = 0.999
        eps = 1e-8
        weightDecay = 0
        amsgrad = false
        maximize = false
        alpha = 0.99
        centered = false
        lrDecay = 0
        initialAccumulatorValue = 0
        rho = 0.9
        momentumDecay = 4e-3
        decoupledWeightDecay = false
        switch kind {
        case .adamw:
            weightDecay = 1e-2
            decoupledWeightDecay = true
        case .adagrad:
            eps = 1e-10
        case .adadelta:
            eps = 1e-6
        default:
            break
        }
    }

    /// Whether the weight decay is applied to the parameter (AdamW style) rather than added
    /// to the gradient.
    var decouplesWeightDecay: Bool {
        kind == .adamw || decoupledWeightDecay
    }
}
