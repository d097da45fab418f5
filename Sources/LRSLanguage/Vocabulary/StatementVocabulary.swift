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
        ArgumentSpec("clip", .number, default: .unset),
        ArgumentSpec("accumulate", .integer, default: .number(1)),
    ]
    /// Data sources, as written (DataSourceKind holds their files and options).
    static let dataSources = DataSourceKind.allCases.map(\.rawValue)
    /// `show` targets; `param` and `state` take a name.
    static let showTargets = ["model", "groups", "lr", "param", "state"]
    /// The show targets as a user writes them, for messages.
    static let showUsage = "'model', 'groups', 'lr', 'param NAME' or 'state GROUP'"
    /// Names expressions may use, by where they appear.
    static let functions = ["exp", "log", "sqrt", "sin", "cos", "tan", "abs", "floor", "ceil", "round", "min", "max"]
    static let reductions = ["mean", "std", "norm", "min", "max", "sum"]
}
