import LRSHyperparameters
import LRSLanguage

/// One optimizer parameter group after resolution: which parameters it holds and every
/// hyperparameter's value. `each` groups appear expanded (`NAME.LAYER`, `NAME.PARAM`).
public struct ResolvedGroup: Sendable {
    /// The group's name (`conv`, `decay.layer1`).
    public let name: String
    /// The `group` statement's name (the same as `name` unless expanded by `each`).
    public let baseName: String
    /// Parameter names in `state_dict()` order, made when asked (the report reads the names'
    /// bytes where they lie, through `positions`).
    public var parameters: [String] { positions.map(modelParameters.name) }
    /// Where each parameter is in the model's `parameters`, in `state_dict()` order.
    public let positions: [Int]
    /// The model's parameters, which `positions` index.
    let modelParameters: ParameterList
    /// Total number of elements of the parameters.
    public let elementCount: Int
    public let optimizerKind: OptimizerKind
    /// Every hyperparameter of the kind in PyTorch's order, with concrete values
    /// (`.number`, `.numbers` for betas, `.bool`) and where each came from.
    public let hyperparameters: [HyperparameterSetting]
    /// The schedule statement that applies to the group, if any.
    public let schedule: CheckedScheduleStatement?
    /// The `group` statement's range (or the model's for the implicit group `all`).
    public let range: SourceRange
    /// The schedules of its `weight_decay` and `momentum` (section 15), in that order.
    public var hyperparameterSchedules: [CheckedScheduleStatement] = []
    /// The capture values that split this group from its statement's others (section 14),
    /// by name in order of appearance; `nil` for a name its parameters do not bind.
    public var captures: [(name: String, value: Int?)] = []

    /// A hyperparameter's value as a number (`lr`, `momentum`); `nil` if absent or not one.
    public func number(_ name: String) -> Double? {
        hyperparameters.first { $0.name == name }?.value.number
    }

    /// A hyperparameter's value as a number; `nil` if the kind has none or it is not one.
    public func number(_ hyperparameter: Hyperparameter) -> Double? { number(hyperparameter.rawValue) }

    /// The initial learning rate.
    public var learningRate: Double { number(.learningRate) ?? .nan }
}

/// The outcome of group resolution.
public struct GroupResolution: Sendable {
    /// Groups in declaration order (expanded in place).
    public let groups: [ResolvedGroup]
    /// Frozen parameters (`requires_grad = False`), in `state_dict()` order.
    public let frozen: [String]
    /// Parameters frozen `until epoch N` (section 15), in `state_dict()` order, with N: they
    /// stay in their groups but get no gradient and no update before epoch N.
    public var frozenUntil: [(name: String, epoch: Int)] = []
    /// Errors (a parameter in no group, bad expanded values), warnings (empty groups).
    public let diagnostics: [Diagnostic]

    /// The epoch from which a parameter trains (0 for one that is not frozen until an epoch).
    public func firstTrainedEpoch(of parameter: String) -> Int {
        frozenUntil.first { $0.name == parameter }?.epoch ?? 0
    }

    /// The group that holds a parameter.
    public func group(of parameter: String) -> ResolvedGroup? {
        groups.first { $0.parameters.contains(parameter) }
    }
}
