/// The optimizer kinds the language accepts (section 5), spelled as in the language, with
/// PyTorch 2.x's hyperparameters and defaults, read from torch/optim/*.py. These defaults are
/// the ones a run uses: the checker fills them in and the engine passes every value to
/// LRSOptim. ParamGroupConfig.init's own defaults (for LRSOptim's tests and benchmarks) are
/// pinned to these by OptimizerLoweringTests.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, radam
    case muon, adafactor, asgd, rprop

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
        case .muon: return "Muon"
        case .adafactor: return "Adafactor"
        case .asgd: return "ASGD"
        case .rprop: return "Rprop"
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
        case .muon: return 9
        case .adafactor: return 10
        case .asgd: return 11
        case .rprop: return 12
        }
    }

    private static let betas = ArgumentSpec(Hyperparameter.betas.rawValue, .number, arity: Hyperparameter.betas.arity,
                                            default: .numbers([0.9, 0.999]))
    private static let maximize = flag(.maximize)
    private static func number(_ name: Hyperparameter, _ value: Double) -> ArgumentSpec {
        ArgumentSpec(name.rawValue, .number, default: .number(value))
    }
    private static func numbers(_ name: Hyperparameter, _ values: [Double]) -> ArgumentSpec {
        ArgumentSpec(name.rawValue, .number, arity: values.count, default: .numbers(values))
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
        case .muon:
            // torch.optim._muon: adjust_lr_fn's default None means "original", written as such.
            return [number(.learningRate, 1e-3), number(.weightDecay, 0.1), number(.momentum, 0.95),
                    flag(.nesterov, default: true), numbers(.nsCoefficients, [3.4445, -4.7750, 2.0315]),
                    number(.eps, 1e-7), ArgumentSpec(Hyperparameter.nsSteps.rawValue, .integer, default: .number(5)),
                    ArgumentSpec(Hyperparameter.adjustLearningRate.rawValue, .symbol(["original", "match_rms_adamw"]),
                                 default: .symbol("original"))]
        case .adafactor:
            return [number(.learningRate, 1e-2), number(.beta2Decay, -0.8),
                    ArgumentSpec(Hyperparameter.eps.rawValue, .numbersOrNoneFirst, arity: 2,
                                 default: .optionalNumbers([nil, 1e-3])),
                    number(.clippingThreshold, 1), number(.weightDecay, 0), maximize]
        case .asgd:
            return [number(.learningRate, 1e-2), number(.lambd, 1e-4), number(.alpha, 0.75), number(.t0, 1e6),
                    number(.weightDecay, 0), maximize]
        case .rprop:
            return [number(.learningRate, 1e-2), numbers(.etas, [0.5, 1.2]), numbers(.stepSizes, [1e-6, 50]), maximize]
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
