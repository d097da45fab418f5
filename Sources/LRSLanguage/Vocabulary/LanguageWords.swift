/// Every word the language knows, gathered from the vocabulary tables, for tools that
/// offer words (the REPL's tab completion) rather than keep lists of their own.
public enum LanguageWords {
    /// Statement keywords (section 3), in the order the language lists them.
    public static var statementKeywords: [String] { StatementVocabulary.keywords }
    /// `show` targets.
    public static var showTargets: [String] { StatementVocabulary.showTargets }

    /// Words of the grammar that no vocabulary table holds: the parser spells them.
    static let grammarWords = ["where", "as", "each", "per", "step", "epoch", "every", "sequential", "chain",
                               "all", "rest", "lambda", "true", "false"]

    /// Every word, sorted: statements, `train` and data options and their values, names
    /// expressions may use, layers, optimizers and schedules with their options.
    public static let all: [String] = {
        var words = Set(StatementVocabulary.keywords + StatementVocabulary.showTargets + grammarWords)
        func insert(_ specs: [ArgumentSpec]) {
            for spec in specs {
                words.insert(spec.name)
                if case .symbol(let values) = spec.type { words.formUnion(values) }
            }
        }
        insert(StatementVocabulary.trainOptions)
        for source in DataSourceKind.allCases {
            words.insert(source.rawValue)
            insert(source.options)
        }
        words.formUnion(StatementVocabulary.functions + StatementVocabulary.reductions)
        words.formUnion(PredicateTyper.variables + CheckedGroup.eachVariables)
        for kind in LayerKind.allCases {
            words.insert(kind.rawValue)
            insert(kind.options)
        }
        words.formUnion(ModelItemKind.blockWords)
        for kind in OptimizerKind.allCases {
            words.insert(kind.rawValue)
            insert(kind.hyperparameters)
        }
        for kind in ScheduleKind.allCases {
            words.insert(kind.rawValue)
            insert(kind.positional + kind.keywords)
        }
        return words.sorted()
    }()
}
