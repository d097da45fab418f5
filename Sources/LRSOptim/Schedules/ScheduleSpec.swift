/// A learning-rate factor as a function of torch's `last_epoch` (the engine binds it to
/// the script's `epoch` or `step`): the compiled EXPR of `lambda` and `multiplicative`.
public typealias ScheduleFunction = @Sendable (Int) -> Double

/// One of the fifteen schedules of the contract (section 8), with every value explicit:
/// the language's table supplies PyTorch's defaults before a spec is built.
public indirect enum ScheduleSpec: Sendable {
    /// `LambdaLR`: `lr = initial_lr * f(last_epoch)`.
    case lambda(ScheduleFunction)
    /// `MultiplicativeLR`: `lr *= f(last_epoch)` on every step after construction.
    case multiplicative(ScheduleFunction)
    /// `StepLR`.
    case step(stepSize: Int, gamma: Double)
    /// `MultiStepLR` (a milestone listed twice multiplies by `gamma^2`, as torch's Counter does).
    case multiStep(milestones: [Int], gamma: Double)
    /// `ExponentialLR`.
    case exponential(gamma: Double)
    /// `CosineAnnealingLR` (torch's recursive form, which rises again past `T_max`).
    case cosine(tMax: Int, etaMin: Double)
    /// `CosineAnnealingWarmRestarts`.
    case cosineRestarts(t0: Int, tMult: Int, etaMin: Double)
    /// `LinearLR`.
    case linear(startFactor: Double, endFactor: Double, totalIters: Int)
    /// `ConstantLR`.
    case constant(factor: Double, totalIters: Int)
    /// `PolynomialLR`.
    case polynomial(totalIters: Int, power: Double)
    /// `CyclicLR`.
    case cyclic(CyclicOptions)
    /// `OneCycleLR`.
    case oneCycle(OneCycleOptions)
    /// `ReduceLROnPlateau`: steps only with a metric (the epoch's mean loss).
    case plateau(PlateauOptions)
    /// `SequentialLR`: `A until N then B ...`; `milestones.count == schedules.count - 1`.
    case sequential([ScheduleSpec], milestones: [Int])
    /// `ChainedScheduler`: `A with B`, every child stepped in order on the same rate.
    case chained([ScheduleSpec])
}

/// The momentum (SGD, RMSprop) or `betas[0]` (Adam-like kinds) that cyclic and onecycle
/// schedules cycle.
public enum Momentum: Sendable, Equatable, Hashable {
    case momentum(Double)
    case beta1(Double)

    /// The number, whichever hyperparameter it is.
    public var value: Double {
        switch self {
        case .momentum(let m), .beta1(let m): m
        }
    }

    func with(_ value: Double) -> Momentum {
        switch self {
        case .momentum: .momentum(value)
        case .beta1: .beta1(value)
        }
    }
}

/// `cycle_momentum true` with its bounds; `nil` where a spec takes one means `cycle_momentum false`.
public struct MomentumCycle: Sendable, Equatable {
    public var base: Double
    public var max: Double
    public init(base: Double, max: Double) {
        self.base = base
        self.max = max
    }
}

/// `CyclicLR`'s arguments.
public struct CyclicOptions: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable { case triangular, triangular2, expRange = "exp_range" }
    public var baseLR: Double
    public var maxLR: Double
    public var stepSizeUp: Int
    /// `nil` is torch's `step_size_down=None`: the same as `stepSizeUp`.
    public var stepSizeDown: Int?
    public var mode: Mode
    public var gamma: Double
    public var momentum: MomentumCycle?

    public init(baseLR: Double, maxLR: Double, stepSizeUp: Int, stepSizeDown: Int?, mode: Mode,
                gamma: Double, momentum: MomentumCycle?) {
        self.baseLR = baseLR
        self.maxLR = maxLR
        self.stepSizeUp = stepSizeUp
        self.stepSizeDown = stepSizeDown
        self.mode = mode
        self.gamma = gamma
        self.momentum = momentum
    }
}

/// `OneCycleLR`'s arguments.
public struct OneCycleOptions: Sendable, Equatable {
    public enum Anneal: String, Sendable, CaseIterable { case cos, linear }
    public var maxLR: Double
    public var totalSteps: Int
    public var pctStart: Double
    public var anneal: Anneal
    public var divFactor: Double
    public var finalDivFactor: Double
    public var threePhase: Bool
    public var momentum: MomentumCycle?

    public init(maxLR: Double, totalSteps: Int, pctStart: Double, anneal: Anneal, divFactor: Double,
                finalDivFactor: Double, threePhase: Bool, momentum: MomentumCycle?) {
        self.maxLR = maxLR
        self.totalSteps = totalSteps
        self.pctStart = pctStart
        self.anneal = anneal
        self.divFactor = divFactor
        self.finalDivFactor = finalDivFactor
        self.threePhase = threePhase
        self.momentum = momentum
    }
}

/// `ReduceLROnPlateau`'s arguments.
public struct PlateauOptions: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable { case min, max }
    public enum ThresholdMode: String, Sendable, CaseIterable { case rel, abs }
    public var mode: Mode
    public var factor: Double
    public var patience: Int
    public var threshold: Double
    public var thresholdMode: ThresholdMode
    public var cooldown: Int
    public var minLR: Double
    public var eps: Double

    public init(mode: Mode, factor: Double, patience: Int, threshold: Double, thresholdMode: ThresholdMode,
                cooldown: Int, minLR: Double, eps: Double) {
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
    }
}
