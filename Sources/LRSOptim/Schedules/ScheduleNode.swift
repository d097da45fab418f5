/// One torch scheduler object of a (possibly composite) schedule: its fixed arguments
/// and the attributes torch mutates (`last_epoch`, `_step_count`, `base_lrs`, ...).
/// Composite schedules hold their children as indices into `GroupSchedule.nodes`.
struct ScheduleNode: Sendable {
    let rule: Rule
    let tag: Tag
    var children: [Int] = []

    var lastEpoch = -1
    var stepCount = 0
    var baseLR = 0.0
    // CosineAnnealingWarmRestarts
    var tCur = 0
    var tI = 0
    // ReduceLROnPlateau
    var best = 0.0
    var badEpochs = 0
    var cooldownCounter = 0

    init(rule: Rule) {
        self.rule = rule
        tag = switch rule {
        case .sequential: .sequential
        case .chained: .chained
        case .cosineRestarts: .cosineRestarts
        case .plateau: .plateau
        default: .other
        }
    }

    /// How `step()` dispatches: the classes that override torch's `LRScheduler.step`.
    enum Tag: Sendable {
        case sequential, chained, cosineRestarts, plateau, other
    }

    enum Rule: Sendable {
        case lambda(ScheduleFunction)
        case multiplicative(ScheduleFunction)
        case step(stepSize: Int, gamma: Double)
        /// torch's `Counter(milestones)`, and the sorted list its closed form bisects.
        case multiStep(counts: [Int: Int], sorted: [Int], gamma: Double)
        case exponential(gamma: Double)
        case cosine(tMax: Int, etaMin: Double)
        case cosineRestarts(t0: Int, tMult: Int, etaMin: Double)
        case linear(startFactor: Double, endFactor: Double, totalIters: Int)
        case constant(factor: Double, totalIters: Int)
        case polynomial(totalIters: Int, power: Double)
        case cyclic(CyclicRule)
        case oneCycle(OneCycleRule)
        case plateau(PlateauOptions)
        case sequential(milestones: [Int])
        case chained

        var name: String {
            switch self {
            case .lambda: "lambda"
            case .multiplicative: "multiplicative"
            case .step: "step"
            case .multiStep: "multistep"
            case .exponential: "exponential"
            case .cosine: "cosine"
            case .cosineRestarts: "cosine_restarts"
            case .linear: "linear"
            case .constant: "constant"
            case .polynomial: "polynomial"
            case .cyclic: "cyclic"
            case .oneCycle: "onecycle"
            case .plateau: "plateau"
            case .sequential: "sequential"
            case .chained: "chained"
            }
        }

        var isComposite: Bool {
            switch self {
            case .sequential, .chained: true
            default: false
            }
        }
    }

    struct CyclicRule: Sendable {
        let baseLR: Double
        let maxLR: Double
        let totalSize: Double
        let stepRatio: Double
        let mode: CyclicOptions.Mode
        let gamma: Double
        let momentum: MomentumCycle?
    }

    struct OneCycleRule: Sendable {
        /// Where a phase ends, and which group keys it anneals between.
        struct Phase: Sendable {
            let endStep: Double
            let startLR: GroupKey
            let endLR: GroupKey
            let startMomentum: GroupKey
            let endMomentum: GroupKey
        }
        enum GroupKey: Sendable {
            case initialLR, maxLR, minLR, maxMomentum, baseMomentum
        }
        let options: OneCycleOptions
        let totalSteps: Int
        let phases: [Phase]
        let anneal: OneCycleOptions.Anneal
        let cyclesMomentum: Bool
    }
}

/// The keys of the torch `param_group` dict that schedulers read and write. All the
/// children of a composite share one group, as they share one optimizer in torch.
struct TorchGroup: Sendable, Equatable {
    var lr: Double
    /// `initial_lr`: set (`setdefault`) by the first scheduler constructed.
    var initialLR: Double?
    // Written by OneCycleLR (initial_lr is overwritten by it too) and read back by it.
    var maxLR = 0.0
    var minLR = 0.0
    var maxMomentum = 0.0
    var baseMomentum = 0.0
    /// `momentum` or `betas[0]`, once a schedule has written it.
    var momentum: Double?

    /// `group[key]` as OneCycleLR reads its phase bounds.
    subscript(key: ScheduleNode.OneCycleRule.GroupKey) -> Double {
        switch key {
        case .initialLR: initialLR ?? lr
        case .maxLR: maxLR
        case .minLR: minLR
        case .maxMomentum: maxMomentum
        case .baseMomentum: baseMomentum
        }
    }
}
