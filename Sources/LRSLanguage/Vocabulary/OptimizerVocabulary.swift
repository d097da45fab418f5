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
        hyperparameters.contains { $0.name == Hyperparameter.momentum.rawValue || $0.name == Hyperparameter.betas.rawValue }
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

    private static let betas = ArgumentSpec(Hyperparameter.betas.rawValue, .number, arity: Hyperparameter.betas.arity,
                                            default: .numbers([0.9, 0.999]))
    private static let maximize = flag(.maximize)
    private static func number(_ name: Hyperparameter, _ value: Double) -> ArgumentSpec {
        ArgumentSpec(name.rawValue, .number, default: .number(value))
    }
    private static func flag(_ name: Hyperparameter, default value: Bool = false) -> ArgumentSpec {
        ArgumentSpec(name.rawValue, .bool, default: .bool(value))
    }

    private static func make(_ kind: OptimizerKind) -> [ArgumentSpec] {
        switch kind {
        case .sgd:
            return [number(.learningRate, 1e-3), number(.momentum, 0), number(.dampening, 0),
                    number(.weightDecay, 0), flag(.nesterov), maximize]
        case .adam:
            return [number(.learningRate, 1e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0),
                    flag(.amsgrad), maximize, flag(.decoupledWeightDecay)]
        case .adamw:
            // AdamW is Adam with decoupled_weight_decay=True: its groups hold the key, its
            // constructor does not take it, and only `true` is accepted (HyperparameterRules).
            return [number(.learningRate, 1e-3), betas, number(.eps, 1e-8), number(.weightDecay, 1e-2),
                    flag(.amsgrad), maximize, flag(.decoupledWeightDecay, default: true)]
        case .rmsprop:
            return [number(.learningRate, 1e-2), number(.alpha, 0.99), number(.eps, 1e-8), number(.weightDecay, 0),
                    number(.momentum, 0), flag(.centered), maximize]
        case .adagrad:
            return [number(.learningRate, 1e-2), number(.lrDecay, 0), number(.weightDecay, 0),
                    number(.initialAccumulatorValue, 0), number(.eps, 1e-10), maximize]
        case .adadelta:
            return [number(.learningRate, 1.0), number(.rho, 0.9), number(.eps, 1e-6), number(.weightDecay, 0), maximize]
        case .adamax:
            return [number(.learningRate, 2e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0), maximize]
        case .nadam:
            return [number(.learningRate, 2e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0),
                    number(.momentumDecay, 4e-3), flag(.decoupledWeightDecay), maximize]
        case .radam:
            return [number(.learningRate, 1e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0),
                    flag(.decoupledWeightDecay), maximize]
        }
    }
}

/// What the parser needs of the optimizers' hyperparameter names.
public enum OptimizerVocabulary {
    /// Every hyperparameter name of any kind (the parser uses it to read arity).
    public static let allNames: Set<String> = Set(Hyperparameter.allCases.map(\.rawValue))

    /// How many values follow a hyperparameter name (1 when unknown).
    static func arity(of name: String) -> Int { Hyperparameter(rawValue: name)?.arity ?? 1 }
}
