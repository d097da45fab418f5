/// The optimizer kinds the language accepts (section 5), spelled as in the language, with
/// PyTorch 2.x's hyperparameters and defaults, read from torch/optim/*.py. These defaults are
/// the ones a run uses: the checker fills them in and the engine passes every value to
/// LRSOptim. ParamGroupConfig.init's own defaults (for LRSOptim's tests, benchmarks and the
/// kinds the language does not have yet) are pinned to these by OptimizerLoweringTests.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, radam

    /// The hyperparameters in PyTorch's order, with defaults.
    public var hyperparameters: [ArgumentSpec] { OptimizerKind.tables[ordinal] }

    /// Whether the kind has a `momentum` or `betas` that `cyclic` and `onecycle` can cycle.
    public var cyclesMomentum: Bool {
        hyperparameters.contains { $0.name == "momentum" || $0.name == "betas" }
    }

    /// The class in `torch.optim`.
    public var pytorchName: String {
        switch self {
        case .sgd: return "SGD"
        case .adam: return "Adam"
        case .adamw: return "AdamW"
        case .rmsprop: return "RMSprop"
        case .adagrad: return "Adagrad"
        case .adadelta: return "Adadelta"
        case .adamax: return "Adamax"
        case .nadam: return "NAdam"
        case .radam: return "RAdam"
        }
    }

    /// Built once, as every group asks. Indexed by `ordinal`: an array read, no hashing.
    private static let tables: [[ArgumentSpec]] = allCases.map(make)

    private var ordinal: Int {
        switch self {
        case .sgd: return 0
        case .adam: return 1
        case .adamw: return 2
        case .rmsprop: return 3
        case .adagrad: return 4
        case .adadelta: return 5
        case .adamax: return 6
        case .nadam: return 7
        case .radam: return 8
        }
    }

    private static let betas = ArgumentSpec("betas", .number, arity: 2, default: .numbers([0.9, 0.999]))
    private static let maximize = ArgumentSpec("maximize", .bool, default: .bool(false))
    private static func number(_ name: String, _ value: Double) -> ArgumentSpec {
        ArgumentSpec(name, .number, default: .number(value))
    }
    private static func flag(_ name: String) -> ArgumentSpec {
        ArgumentSpec(name, .bool, default: .bool(false))
    }

    private static func make(_ kind: OptimizerKind) -> [ArgumentSpec] {
        switch kind {
        case .sgd:
            return [number("lr", 1e-3), number("momentum", 0), number("dampening", 0),
                    number("weight_decay", 0), flag("nesterov"), maximize]
        case .adam:
            return [number("lr", 1e-3), betas, number("eps", 1e-8), number("weight_decay", 0),
                    flag("amsgrad"), maximize, flag("decoupled_weight_decay")]
        case .adamw:
            // AdamW is Adam with decoupled_weight_decay=True: its groups hold the key, its
            // constructor does not take it, and only `true` is accepted (HyperparameterRules).
            return [number("lr", 1e-3), betas, number("eps", 1e-8), number("weight_decay", 1e-2),
                    flag("amsgrad"), maximize, ArgumentSpec("decoupled_weight_decay", .bool, default: .bool(true))]
        case .rmsprop:
            return [number("lr", 1e-2), number("alpha", 0.99), number("eps", 1e-8), number("weight_decay", 0),
                    number("momentum", 0), flag("centered"), maximize]
        case .adagrad:
            return [number("lr", 1e-2), number("lr_decay", 0), number("weight_decay", 0),
                    number("initial_accumulator_value", 0), number("eps", 1e-10), maximize]
        case .adadelta:
            return [number("lr", 1.0), number("rho", 0.9), number("eps", 1e-6), number("weight_decay", 0), maximize]
        case .adamax:
            return [number("lr", 2e-3), betas, number("eps", 1e-8), number("weight_decay", 0), maximize]
        case .nadam:
            return [number("lr", 2e-3), betas, number("eps", 1e-8), number("weight_decay", 0),
                    number("momentum_decay", 4e-3), flag("decoupled_weight_decay"), maximize]
        case .radam:
            return [number("lr", 1e-3), betas, number("eps", 1e-8), number("weight_decay", 0),
                    flag("decoupled_weight_decay"), maximize]
        }
    }
}

/// What the parser needs of the optimizers' hyperparameter names.
public enum OptimizerVocabulary {
    /// Every hyperparameter name of any kind (the parser uses it to read arity).
    public static let allNames: Set<String> = Set(OptimizerKind.allCases.flatMap { $0.hyperparameters.map(\.name) })

    /// How many values follow a hyperparameter name (1 when unknown).
    static func arity(of name: String) -> Int { name == "betas" ? 2 : 1 }
}
