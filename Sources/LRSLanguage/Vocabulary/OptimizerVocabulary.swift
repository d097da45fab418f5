/// The optimizer kinds (section 5) with PyTorch 2.x's hyperparameters and defaults, read
/// from torch/optim/*.py. LRSOptim holds no defaults: the engine passes these values.
public enum OptimizerVocabulary {
    /// The kinds, spelled as in the language.
    public static let kinds = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "radam"]

    private static let betas = ArgumentSpec("betas", .number, arity: 2, default: .numbers([0.9, 0.999]))
    private static let maximize = ArgumentSpec("maximize", .bool, default: .bool(false))
    private static func number(_ name: String, _ value: Double) -> ArgumentSpec {
        ArgumentSpec(name, .number, default: .number(value))
    }
    private static func flag(_ name: String) -> ArgumentSpec {
        ArgumentSpec(name, .bool, default: .bool(false))
    }

    /// Whether a kind has a `momentum` or `betas` that `cyclic` and `onecycle` can cycle.
    public static func cyclesMomentum(_ kind: String) -> Bool {
        hyperparameters(of: kind)?.contains { $0.name == "momentum" || $0.name == "betas" } ?? false
    }

    /// The hyperparameters of a kind in PyTorch's order, with defaults; `nil` for an
    /// unknown kind.
    public static func hyperparameters(of kind: String) -> [ArgumentSpec]? { tables[kind] }

    /// Built once, as every group asks.
    private static let tables: [String: [ArgumentSpec]] =
        Dictionary(uniqueKeysWithValues: kinds.compactMap { kind in make(kind).map { (kind, $0) } })

    private static func make(_ kind: String) -> [ArgumentSpec]? {
        switch kind {
        case "sgd":
            return [number("lr", 1e-3), number("momentum", 0), number("dampening", 0),
                    number("weight_decay", 0), flag("nesterov"), maximize]
        case "adam":
            return [number("lr", 1e-3), betas, number("eps", 1e-8), number("weight_decay", 0),
                    flag("amsgrad"), maximize, flag("decoupled_weight_decay")]
        case "adamw":
            // AdamW is Adam with decoupled_weight_decay=True: its groups hold the key, its
            // constructor does not take it, and only `true` is accepted (HyperparameterRules).
            return [number("lr", 1e-3), betas, number("eps", 1e-8), number("weight_decay", 1e-2),
                    flag("amsgrad"), maximize, ArgumentSpec("decoupled_weight_decay", .bool, default: .bool(true))]
        case "rmsprop":
            return [number("lr", 1e-2), number("alpha", 0.99), number("eps", 1e-8), number("weight_decay", 0),
                    number("momentum", 0), flag("centered"), maximize]
        case "adagrad":
            return [number("lr", 1e-2), number("lr_decay", 0), number("weight_decay", 0),
                    number("initial_accumulator_value", 0), number("eps", 1e-10), maximize]
        case "adadelta":
            return [number("lr", 1.0), number("rho", 0.9), number("eps", 1e-6), number("weight_decay", 0), maximize]
        case "adamax":
            return [number("lr", 2e-3), betas, number("eps", 1e-8), number("weight_decay", 0), maximize]
        case "nadam":
            return [number("lr", 2e-3), betas, number("eps", 1e-8), number("weight_decay", 0),
                    number("momentum_decay", 4e-3), flag("decoupled_weight_decay"), maximize]
        case "radam":
            return [number("lr", 1e-3), betas, number("eps", 1e-8), number("weight_decay", 0),
                    flag("decoupled_weight_decay"), maximize]
        default:
            return nil
        }
    }

    /// Every hyperparameter name of any kind (the parser uses it to read arity).
    public static let allNames: Set<String> = {
        var names: [String] = []
        for kind in kinds {
            for spec in hyperparameters(of: kind) ?? [] where !names.contains(spec.name) { names.append(spec.name) }
        }
        return Set(names)
    }()

    /// How many values follow a hyperparameter name (1 when unknown).
    static func arity(of name: String) -> Int { name == "betas" ? 2 : 1 }
}
