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
    /// `momentum` (sgd, rmsprop, muon).
    public var momentum: Double
    /// `dampening` (sgd).
    public var dampening: Double
    /// `nesterov` (sgd, muon).
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
    /// `alpha`: the smoothing constant of rmsprop; the power of asgd's rate decay.
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
    /// `lambd`: the decay term of asgd.
    public var lambd: Double
    /// `t0`: the step at which asgd starts averaging.
    public var t0: Double
    /// `etas` (rprop): the factors a step size shrinks by when the gradient's sign flips
    /// (`etas[0]`) and grows by when it keeps it (`etas[1]`).
    public var etaMinus: Double, etaPlus: Double
    /// `step_sizes` (rprop): the smallest and largest step size.
    public var stepSizeMin: Double, stepSizeMax: Double
    /// `beta2_decay` (adafactor): β2 at step t is 1 - t^beta2_decay.
    public var beta2Decay: Double
    /// `eps[0]` (adafactor): the floor of the second-moment estimate; nil (`none`) is
    /// float32's machine epsilon, as torch's `finfo(param.dtype).eps`.
    public var eps1: Double?
    /// `eps[1]` (adafactor): the floor of a parameter's RMS in the relative step size.
    public var eps2: Double
    /// `d` (adafactor): the update's clipping threshold (RMS at most d).
    public var clippingThreshold: Double
    /// `ns_coefficients` (muon): a, b, c of the quintic Newton-Schulz iteration.
    public var nsCoefficients: SIMD3<Double>
    /// `ns_steps` (muon): Newton-Schulz iterations per step.
    public var nsSteps: Int
    /// `adjust_lr_fn` (muon): how the rate scales with the matrix's shape.
    public var adjustLearningRate: MuonLearningRateAdjustment

    /// A configuration holding PyTorch's constructor defaults for `kind` and the given rate.
    ///
    /// A run never reads these: the language's table (LRSLanguage's OptimizerKind) resolves
    /// every value and the engine overwrites each field the kind reads. The defaults here
    /// serve tests and benchmarks; a test in LRSEngineTests keeps them equal to the language's.
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
        lambd = 1e-4
        t0 = 1e6
        etaMinus = 0.5
        etaPlus = 1.2
        stepSizeMin = 1e-6
        stepSizeMax = 50
        beta2Decay = -0.8
        eps1 = nil
        eps2 = 1e-3
        clippingThreshold = 1
        nsCoefficients = SIMD3(3.4445, -4.7750, 2.0315)
        nsSteps = 5
        adjustLearningRate = .original
        switch kind {
        case .adamw:
            weightDecay = 1e-2
            decoupledWeightDecay = true
        case .adagrad:
            eps = 1e-10
        case .adadelta:
            eps = 1e-6
        case .muon:
            weightDecay = 0.1
            momentum = 0.95
            nesterov = true
            eps = 1e-7
        case .asgd:
            alpha = 0.75
        default:
            break
        }
    }

    /// `eps[0]` as adafactor uses it: nil is float32's machine epsilon.
    var adafactorEps1: Double { eps1 ?? Double(Float.ulpOfOne) }

    /// Whether the weight decay is applied to the parameter (AdamW style) rather than added
    /// to the gradient.
    var decouplesWeightDecay: Bool {
        kind == .adamw || decoupledWeightDecay
    }
}

/// Muon's `adjust_lr_fn`: the factor its rate is multiplied by for an A x B matrix.
public enum MuonLearningRateAdjustment: String, CaseIterable, Sendable {
    /// √max(1, A / B), Keller Jordan's original (torch's default, `None` or "original").
    case original
    /// 0.2 √max(A, B), Moonshot's, to match AdamW's update RMS ("match_rms_adamw").
    case matchRMSAdamW = "match_rms_adamw"
}
