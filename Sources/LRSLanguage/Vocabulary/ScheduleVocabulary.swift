import Foundation

/// The schedule kinds (section 8) with PyTorch's argument names and defaults, read from
/// torch/optim/lr_scheduler.py. Positional arguments come first, in this order.
public enum ScheduleKind: String, Sendable, CaseIterable {
    case lambda, multiplicative, step, multistep, exponential, cosine, cosine_restarts
    case linear, constant, polynomial, cyclic, onecycle, plateau
    /// Warm-up, stable, decay (section 15): a `LambdaLR` over the run's length.
    case wsd

    /// Positional arguments in order.
    public var positional: [ArgumentSpec] { ScheduleKind.tables[ordinal].positional }

    /// `KEY VALUE` arguments with their defaults.
    public var keywords: [ArgumentSpec] { ScheduleKind.tables[ordinal].keywords }

    /// Built once: the parser asks for these on every token.
    /// Indexed by `ordinal`: an array read, no hashing.
    private static let tables: [(positional: [ArgumentSpec], keywords: [ArgumentSpec])] =
        allCases.map { ($0.makePositional(), $0.makeKeywords()) }

    private var ordinal: Int {
        switch self {
        case .lambda: return 0
        case .multiplicative: return 1
        case .step: return 2
        case .multistep: return 3
        case .exponential: return 4
        case .cosine: return 5
        case .cosine_restarts: return 6
        case .linear: return 7
        case .constant: return 8
        case .polynomial: return 9
        case .cyclic: return 10
        case .onecycle: return 11
        case .plateau: return 12
        case .wsd: return 13
        }
    }

    private func makePositional() -> [ArgumentSpec] {
        switch self {
        case .lambda, .multiplicative: return [.required("lr_lambda", .expression)]
        case .step: return [.required("step_size", .integer)]
        case .multistep: return [.required("milestones", .integer)]
        case .exponential: return [.required("gamma", .number)]
        case .cosine: return [.required("T_max", .integer)]
        case .cosine_restarts: return [.required("T_0", .integer)]
        case .linear, .constant, .polynomial, .plateau: return []
        case .cyclic: return [.required("base_lr", .number), .required("max_lr", .number)]
        case .onecycle: return [.required("max_lr", .number), .required("total_steps", .integer)]
        case .wsd: return [.required("warmup", .integer), .required("decay", .integer)]
        }
    }

    /// Whether the last positional argument repeats (`multistep 2 5 8`).
    public var isVariadic: Bool { self == .multistep }

    private func makeKeywords() -> [ArgumentSpec] {
        func number(_ name: String, _ value: Double) -> ArgumentSpec { ArgumentSpec(name, .number, default: .number(value)) }
        func integer(_ name: String, _ value: Double) -> ArgumentSpec { ArgumentSpec(name, .integer, default: .number(value)) }
        let momentum = [ArgumentSpec("cycle_momentum", .bool, default: .bool(true))]
        switch self {
        case .lambda, .multiplicative, .exponential: return []
        case .step, .multistep: return [number("gamma", 0.1)]
        case .cosine: return [number("eta_min", 0)]
        case .cosine_restarts: return [integer("t_mult", 1), number("eta_min", 0)]
        case .linear: return [number("start_factor", 1.0 / 3), number("end_factor", 1.0), integer("total_iters", 5)]
        case .constant: return [number("factor", 1.0 / 3), integer("total_iters", 5)]
        case .polynomial: return [integer("total_iters", 5), number("power", 1.0)]
        case .cyclic:
            return [integer("step_size_up", 2000), ArgumentSpec("step_size_down", .integer, default: .unset),
                    ArgumentSpec("mode", .symbol(["triangular", "triangular2", "exp_range"]), default: .symbol("triangular")),
                    number("gamma", 1.0)] + momentum + [number("base_momentum", 0.8), number("max_momentum", 0.9)]
        case .onecycle:
            return [number("pct_start", 0.3),
                    ArgumentSpec("anneal_strategy", .symbol(["cos", "linear"]), default: .symbol("cos")),
                    number("div_factor", 25.0), number("final_div_factor", 1e4),
                    ArgumentSpec("three_phase", .bool, default: .bool(false))]
                + momentum + [number("base_momentum", 0.85), number("max_momentum", 0.95)]
        case .plateau:
            return [ArgumentSpec("mode", .symbol(["min", "max"]), default: .symbol("min")), number("factor", 0.1),
                    integer("patience", 10), number("threshold", 1e-4),
                    ArgumentSpec("threshold_mode", .symbol(["rel", "abs"]), default: .symbol("rel")),
                    integer("cooldown", 0), number("min_lr", 0), number("eps", 1e-8)]
        case .wsd:
            return [ArgumentSpec("shape", .symbol(WSDShape.allCases.map(\.rawValue)), default: .symbol("linear")),
                    number("min_factor", 0), number("warmup_factor", 0)]
        }
    }

    /// `onecycle` and `cyclic` step per optimizer step unless told otherwise.
    public var isPerStepByDefault: Bool { self == .onecycle || self == .cyclic || self == .wsd }

    /// The PyTorch class.
    public var pytorchName: String {
        switch self {
        case .lambda: return "LambdaLR"
        case .multiplicative: return "MultiplicativeLR"
        case .step: return "StepLR"
        case .multistep: return "MultiStepLR"
        case .exponential: return "ExponentialLR"
        case .cosine: return "CosineAnnealingLR"
        case .cosine_restarts: return "CosineAnnealingWarmRestarts"
        case .linear: return "LinearLR"
        case .constant: return "ConstantLR"
        case .polynomial: return "PolynomialLR"
        case .cyclic: return "CyclicLR"
        case .onecycle: return "OneCycleLR"
        case .plateau: return "ReduceLROnPlateau"
        case .wsd: return "LambdaLR"
        }
    }

    func keyword(named name: String) -> ArgumentSpec? { keywords.first { $0.name == name } }
}

/// The decay of `wsd`: with p the fraction of the decay done, the factor falls from 1 to
/// `min_factor` M as 1 - (1 - M)p, M + (1 - M)(1 + cos(pi p))/2 or 1 - (1 - M)sqrt(p).
public enum WSDShape: String, Sendable, CaseIterable {
    case linear, cosine, sqrt
}

/// `wsd WARMUP DECAY [shape S] [min_factor M] [warmup_factor W]` over `total` steps (or
/// epochs): the factor on the initial rate at count `t`, as section 15 defines it.
public struct WSDFactor: Sendable, Equatable {
    public var warmup: Int
    public var decay: Int
    public var total: Int
    public var shape: WSDShape
    public var minFactor: Double
    public var warmupFactor: Double

    public init(warmup: Int, decay: Int, total: Int, shape: WSDShape, minFactor: Double, warmupFactor: Double) {
        self.warmup = warmup
        self.decay = decay
        self.total = total
        self.shape = shape
        self.minFactor = minFactor
        self.warmupFactor = warmupFactor
    }

    public func factor(_ t: Int) -> Double {
        if t < warmup { return warmupFactor + (1 - warmupFactor) * Double(t) / Double(warmup) }
        if t < total - decay { return 1 }
        let p = Double(t - total + decay) / Double(decay)
        switch shape {
        case .linear: return 1 - (1 - minFactor) * p
        case .cosine: return minFactor + (1 - minFactor) * (1 + cos(Double.pi * p)) / 2
        case .sqrt: return 1 - (1 - minFactor) * p.squareRoot()
        }
    }
}
