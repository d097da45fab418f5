import LRSHyperparameters

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

    /// A configuration holding PyTorch's constructor defaults for `kind` (LRSHyperparameters'
    /// one table) and the given rate. A run overwrites each field the kind takes with the
    /// script's value (OptimizerLowering); tests and benchmarks use the defaults as they are.
    public init(kind: OptimizerKind, learningRate: Double) {
        self = ParamGroupConfig.untaken
        self.kind = kind
        for entry in kind.defaults { set(entry.hyperparameter, to: entry.value) }
        self.learningRate = learningRate
    }

    /// The fields a kind does not take (which it never reads) hold the default of the first
    /// kind in the table that takes them, so every field holds one of PyTorch's values and a
    /// checkpoint's `momentum` and `beta1` of any kind are always the same.
    private static let untaken: ParamGroupConfig = {
        var c = ParamGroupConfig(kind: .sgd)
        for kind in OptimizerKind.allCases.reversed() {
            for entry in kind.defaults { c.set(entry.hyperparameter, to: entry.value) }
        }
        return c
    }()

    /// Every field zero, false or none: the start of `untaken`.
    private init(kind: OptimizerKind) {
        self.kind = kind
        learningRate = 0
        momentum = 0
        dampening = 0
        nesterov = false
        beta1 = 0
        beta2 = 0
        eps = 0
        weightDecay = 0
        amsgrad = false
        maximize = false
        alpha = 0
        centered = false
        lrDecay = 0
        initialAccumulatorValue = 0
        rho = 0
        momentumDecay = 0
        decoupledWeightDecay = false
        lambd = 0
        t0 = 0
        etaMinus = 0
        etaPlus = 0
        stepSizeMin = 0
        stepSizeMax = 0
        beta2Decay = 0
        eps1 = nil
        eps2 = 0
        clippingThreshold = 0
        nsCoefficients = SIMD3(0, 0, 0)
        nsSteps = 0
        adjustLearningRate = .original
    }

    /// Sets the field a hyperparameter names (PyTorch's names onto the Swift fields, in one
    /// exhaustive switch). A value of the wrong shape leaves a list's fields as they were.
    public mutating func set(_ hyperparameter: Hyperparameter, to value: HyperparameterValue) {
        let number = value.number ?? 0
        let flag = number != 0
        switch hyperparameter {
        case .learningRate: learningRate = number
        case .momentum: momentum = number
        case .dampening: dampening = number
        case .nesterov: nesterov = flag
        case .betas:
            if case .numbers(let b) = value, b.count == 2 {
                beta1 = b[0]
                beta2 = b[1]
            }
        case .eps:
            // Adafactor's pair: the floor of the second moment (None: float32's epsilon)
            // and of a parameter's RMS.
            if case .optionalNumbers(let pair) = value, pair.count == 2 {
                eps1 = pair[0]
                eps2 = pair[1] ?? eps2
            } else {
                eps = number
            }
        case .weightDecay: weightDecay = number
        case .amsgrad: amsgrad = flag
        case .maximize: maximize = flag
        case .alpha: alpha = number
        case .centered: centered = flag
        case .lrDecay: lrDecay = number
        case .initialAccumulatorValue: initialAccumulatorValue = number
        case .rho: rho = number
        case .momentumDecay: momentumDecay = number
        case .decoupledWeightDecay: decoupledWeightDecay = flag
        case .nsCoefficients:
            if case .numbers(let abc) = value, abc.count == 3 { nsCoefficients = SIMD3(abc[0], abc[1], abc[2]) }
        case .nsSteps: nsSteps = Int(exactly: number) ?? nsSteps
        case .adjustLearningRate:
            if case .muonAdjustment(let adjustment) = value { adjustLearningRate = adjustment }
        case .beta2Decay: beta2Decay = number
        case .clippingThreshold: clippingThreshold = number
        case .lambd: lambd = number
        case .t0: t0 = number
        case .etas:
            if case .numbers(let pair) = value, pair.count == 2 {
                etaMinus = pair[0]
                etaPlus = pair[1]
            }
        case .stepSizes:
            if case .numbers(let pair) = value, pair.count == 2 {
                stepSizeMin = pair[0]
                stepSizeMax = pair[1]
            }
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
