import LRSHyperparameters

/// The optimizer kinds the language accepts (section 5) are LRSHyperparameters' `OptimizerKind`,
/// whose one table holds PyTorch 2.13's hyperparameters and defaults. These defaults are the
/// ones a run uses: the checker fills them in from here and the engine passes every value to
/// LRSOptim, whose `ParamGroupConfig(kind:learningRate:)` starts from the same table.
extension OptimizerKind {
    /// The hyperparameters in PyTorch's order, with defaults, as the checker reads arguments.
    public var hyperparameters: [ArgumentSpec] { OptimizerKind.argumentTables[ordinal] }

    /// Whether the kind has a `momentum` or `betas` that `cyclic` and `onecycle` can cycle.
    public var cyclesMomentum: Bool {
        hyperparameters.contains { $0.name == Hyperparameter.momentum.rawValue || $0.name == Hyperparameter.betas.rawValue }
    }

    /// Built once, as every group asks. Indexed by `ordinal`: an array read, no hashing.
    private static let argumentTables: [[ArgumentSpec]] = allCases.map { $0.defaults.map(argument) }

    /// A default of the table as what the language accepts for it.
    private static func argument(_ entry: HyperparameterDefault) -> ArgumentSpec {
        let name = entry.hyperparameter.rawValue
        switch entry.value {
        case .number(let x): return ArgumentSpec(name, .number, default: .number(x))
        case .wholeNumber(let n): return ArgumentSpec(name, .integer, default: .number(Double(n)))
        case .flag(let on): return ArgumentSpec(name, .bool, default: .bool(on))
        case .numbers(let list): return ArgumentSpec(name, .number, arity: list.count, default: .numbers(list))
        case .optionalNumbers(let list):
            return ArgumentSpec(name, .numbersOrNoneFirst, arity: list.count, default: .optionalNumbers(list))
        case .muonAdjustment(let adjustment):
            return ArgumentSpec(name, .symbol(MuonLearningRateAdjustment.allCases.map(\.rawValue)),
                                default: .symbol(adjustment.rawValue))
        }
    }
}

/// What the parser needs of the optimizers' hyperparameter names.
public enum OptimizerVocabulary {
    /// Every hyperparameter name of any kind (the parser uses it to read arity).
    public static let allNames: Set<String> = Set(Hyperparameter.allCases.map(\.rawValue))

    /// How many values follow a hyperparameter name (1 when unknown). A search of the few
    /// cases, not `init(rawValue:)`, whose first call builds a table of every case's name
    /// (a twentieth of a short `lrs check`).
    static func arity(of name: String) -> Int { Hyperparameter.allCases.first { $0.rawValue == name }?.arity ?? 1 }
}
