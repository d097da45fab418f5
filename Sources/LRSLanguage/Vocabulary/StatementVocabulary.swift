/// The words of statements other than layers, optimizers and schedules.
enum StatementVocabulary {
    /// Statement keywords (section 3).
    static let keywords = ["seed", "let", "input", "model", "optimizer", "group", "freeze", "schedule",
                           "init", "data", "validate", "split", "train", "save", "checkpoint", "show"]
    /// `train` options and what they take.
    static let trainOptions: [ArgumentSpec] = [
        ArgumentSpec("epochs", .integer, default: .number(1)),
        ArgumentSpec("batch", .integer, default: .number(32)),
        ArgumentSpec("loss", .symbol(["cross_entropy", "mse"]), default: .unset),
        ArgumentSpec("shuffle", .bool, default: .bool(true)),
    ]
    /// Data sources and their options.
    static let dataSources = ["npy", "csv", "synthetic"]
    static func fileCount(ofSource source: String) -> Int {
        switch source {
        case "npy": return 2
        case "csv": return 1
        default: return 0
        }
    }
    static func options(ofSource source: String) -> [ArgumentSpec] {
        switch source {
        case "csv":
            return [ArgumentSpec("label", .expression, default: .unset), ArgumentSpec("header", .bool, default: .unset)]
        case "synthetic":
            return [ArgumentSpec("samples", .integer, default: .unset), ArgumentSpec("classes", .integer, default: .unset),
                    ArgumentSpec("noise", .number, default: .unset)]
        default: return []
        }
    }
    /// `show` targets; `param` and `state` take a name.
    static let showTargets = ["model", "groups", "lr", "param", "state"]
    /// The show targets as a user writes them, for messages.
    static let showUsage = "'model', 'groups', 'lr', 'param NAME' or 'state GROUP'"
    /// Names expressions may use, by where they appear.
    static let functions = ["exp", "log", "sqrt", "sin", "cos", "tan", "abs", "floor", "ceil", "min", "max"]
    static let reductions = ["mean", "std", "norm", "min", "max", "sum"]
}
