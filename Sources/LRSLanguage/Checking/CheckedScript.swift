import LRSHyperparameters

/// The checker's output: a script that passed every check, with names, shapes, values and
/// defaults resolved. The rest of the system (groups, training, `lrs schedule`, export)
/// consumes this; nothing downstream needs to look at syntax again.
public struct CheckedScript: Sendable {
    public let source: SourceFile
    public let syntax: Script
    /// Every statement in script order.
    public let statements: [CheckedStatement]
    /// `let` values with `-D` overrides applied, plus nothing else (`pi` is built in).
    public let constants: [String: Double]
    public let model: CheckedModel
    /// The `optimizer` statement (sgd with PyTorch's defaults when there is none).
    public let optimizer: CheckedOptimizer
    /// The `group` statements in order (before `each` expansion and resolution).
    public let groups: [CheckedGroup]
    /// Whether the script has no `group` at all (then one group `all` takes everything).
    public var hasNoGroups: Bool { groups.isEmpty }
    public let freezes: [CheckedFreeze]
    public let schedules: [CheckedScheduleStatement]

    /// The `seed`, if given.
    public var seed: Int? {
        for case .seed(let value, _) in statements { return value }
        return nil
    }

    /// The `init` file, resolved against the script's directory.
    public var initFile: CheckedFile? {
        for case .initFile(let file) in statements { return file }
        return nil
    }

    /// The `data` statement.
    public var data: CheckedDataSource? {
        for case .data(let source) in statements { return source }
        return nil
    }

    /// The `train` statement.
    public var train: CheckedTrain? {
        for case .train(let train) in statements { return train }
        return nil
    }

    /// A `group` statement by its name.
    public func group(named name: String) -> CheckedGroup? { groups.first { $0.name == name } }
}

/// A checked statement, in script order, each with its source range.
public enum CheckedStatement: Sendable {
    case seed(Int, SourceRange)
    case `let`(name: String, value: Double, overridden: Bool, SourceRange)
    case input([Int], SourceRange)
    case model(SourceRange)
    case optimizer(SourceRange)
    /// Index into `CheckedScript.groups`.
    case group(Int)
    /// Index into `CheckedScript.freezes`.
    case freeze(Int)
    /// Index into `CheckedScript.schedules`.
    case schedule(Int)
    case initFile(CheckedFile)
    case data(CheckedDataSource)
    case validate(CheckedDataSource)
    case split(Double, SourceRange)
    case train(CheckedTrain)
    case save(CheckedFile)
    case checkpoint(everyEpochs: Int, file: CheckedFile)
    case show(CheckedShow)
}

/// A file named by the script: as written, and resolved against the script's directory.
public struct CheckedFile: Sendable {
    public let written: String
    public let path: String
    public let range: SourceRange
}

/// `optimizer KIND [HP VALUE]...` with every hyperparameter of the kind (defaults filled in).
public struct CheckedOptimizer: Sendable {
    public let kind: OptimizerKind
    /// Every hyperparameter of the kind, in PyTorch's order.
    public let hyperparameters: [HyperparameterSetting]
    /// `nil` when there was no `optimizer` statement.
    public let range: SourceRange?
}

/// A `group` statement, checked.
public struct CheckedGroup: Sendable {
    /// The group's name (`as NAME`, the selector's plain word, or `groupN`).
    public let name: String
    public let selector: SelectorSyntax
    public let each: GroupSyntax.Each?
    /// The optimizer kind of this group (its own `optimizer KIND`, or the script's).
    public let optimizerKind: OptimizerKind
    /// Every hyperparameter of the kind, in PyTorch's order, each with its source. Values
    /// of `each` groups may be expressions over `layer`, `layers`, `numel`, `ndim`.
    public let hyperparameters: [HyperparameterSetting]
    public let range: SourceRange
    /// The names its selector's globs capture (section 14), in order of appearance: the
    /// group is split by their values, and `.expression` hyperparameters read them, in
    /// this order.
    public var captures: [String] = []
    /// The variables `.expression` hyperparameters read, in slot order.
    public static let eachVariables = ["layer", "layers", "numel", "ndim"]
}

/// A `freeze` statement.
public struct CheckedFreeze: Sendable {
    public let selector: SelectorSyntax
    public let range: SourceRange
    /// `until epoch N` (section 15): the parameters stay in their groups and train from
    /// epoch N (0-based); `nil` for a plain `freeze`, which takes them out of every group.
    public var untilEpoch: Int? = nil
    /// The range of N, for the check against the run's length.
    public var untilRange: SourceRange? = nil
}

/// `schedule GROUPS SCHEDULE [per step|per epoch]`.
public struct CheckedScheduleStatement: Sendable {
    /// Group names as written (`all` stays `all`; a base name of an `each` group applies
    /// to all groups it expands to).
    public let groupNames: [String]
    /// What the schedule moves: the learning rate, or `weight_decay` / `momentum`.
    public var hyperparameter: ScheduledHyperparameter = .learningRate
    public let schedule: CheckedSchedule
    /// Whether the schedule steps after every optimizer step (else after every epoch).
    public let perStep: Bool
    /// The statement's range: rate errors at run time point here.
    public let range: SourceRange
}

/// A checked schedule: one PyTorch scheduler with every argument resolved, a
/// `SequentialLR`, or a `ChainedScheduler`.
public indirect enum CheckedSchedule: Sendable {
    /// `arguments` holds every argument of the kind (positional, then keyword), defaults
    /// filled in. `lambda`/`multiplicative` hold `.expression` over `epoch`, `step`.
    case single(ScheduleKind, arguments: [ResolvedArgument], range: SourceRange)
    case sequential([CheckedSchedule], milestones: [Milestone], range: SourceRange)
    case chained([CheckedSchedule], range: SourceRange)

    /// The `cyclic` or `onecycle` in the schedule that cycles momentum (`cycle_momentum
    /// true`), if any.
    public var momentumCycler: ScheduleKind? {
        switch self {
        case .single(let kind, _, _):
            guard kind == .cyclic || kind == .onecycle, case .bool(true)? = argument("cycle_momentum") else { return nil }
            return kind
        case .sequential(let children, _, _), .chained(let children, _):
            return children.lazy.compactMap(\.momentumCycler).first
        }
    }

    /// The range of the schedule as written.
    public var range: SourceRange {
        switch self {
        case .single(_, _, let r), .sequential(_, _, let r), .chained(_, let r): return r
        }
    }

    /// The value of a named argument of a single schedule.
    public func argument(_ name: String) -> ArgumentValue? {
        if case .single(_, let arguments, _) = self { return arguments.first { $0.name == name }?.value }
        return nil
    }

    /// The argument `wsd` gets from the check: the steps (or epochs) it runs over.
    public static let wsdTotal = "total"

    /// The variables a `lambda`/`multiplicative` expression is compiled with.
    public static let expressionVariables = ["epoch", "step"]
}

/// A milestone of `A until N then B`: a count of epochs (or steps, per step), or, in a
/// checkpoint script that leaves the run's length to the exported `build()`, an expression
/// of `epochs`, `steps_per_epoch` and `total_steps` that `build()` computes and checks.
public enum Milestone: Sendable {
    case count(Int)
    case open(CompiledExpression)

    /// The count, when the check fixed it.
    public var count: Int? {
        if case .count(let n) = self { return n }
        return nil
    }
}

/// `data ...` or `validate ...`.
public struct CheckedDataSource: Sendable {
    public let kind: DataSourceKind
    public let files: [CheckedFile]
    /// Every option of the source, defaults included.
    public let options: [ResolvedArgument]
    public let range: SourceRange
}

/// `train [epochs N] [batch B] [loss LOSS] [shuffle BOOL] [clip NORM] [accumulate K]`,
/// defaults filled in.
public struct CheckedTrain: Sendable {
    public let epochs: Int
    public let batch: Int
    /// `nil`: chosen from the labels (`cross_entropy` for integer labels, else `mse`).
    public let loss: String?
    public let shuffle: Bool
    /// `clip NORM`: the gradients' total 2-norm is clipped to this before every optimizer
    /// step (`clip_grad_norm_`); `nil` when not written.
    public var clip: Double? = nil
    /// `accumulate K`: batches whose gradients are summed into one optimizer step.
    public var accumulate: Int = 1
    public let range: SourceRange

    /// Optimizer steps in an epoch of `batches` batches: one per run of `accumulate`
    /// batches, the last run possibly shorter.
    public func optimizerSteps(batches: Int) -> Int {
        let k = Swift.max(1, accumulate)
        return batches / k + (batches % k == 0 ? 0 : 1)
    }
}

/// `show WHAT [NAME]`.
public struct CheckedShow: Sendable {
    public let what: String
    public let argument: String?
    public let range: SourceRange
}
