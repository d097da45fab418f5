/// The result of checking a script: the checked script when there are no errors, and every
/// diagnostic (errors, warnings, notes) in order.
public struct CheckResult: Sendable {
    public let syntax: Script
    public let script: CheckedScript?
    public let diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.hasErrors }
}

/// Checks a script before anything runs: names, arguments, shapes, hyperparameters,
/// selectors, schedules, files. A phase: it returns values and prints nothing.
///
/// Parsing comes first; when it reports errors, only the statements that parsed are
/// checked, one by one, and nothing that needs the whole script (shapes, group and
/// schedule names), so one syntax mistake does not turn into a page of consequences.
public struct Checker {
    /// What the checker may look at beyond the text.
    public struct Options: Sendable {
        /// Whether `init` and `data` files must exist and be readable.
        public var checkFiles: Bool
        /// The cap on errors per file.
        public var errorLimit: Int
        /// The run's length where given from outside (`lrs schedule --epochs`), before the
        /// script's own.
        public var runLength: RunLength
        /// Whether a checkpoint script's schedules may use a run length that nothing gives,
        /// left to the exported `build(model, epochs=, steps_per_epoch=)` (section 16). Off
        /// for `lrs schedule`, which computes the rates and so needs the numbers.
        public var leavesRunLengthOpen: Bool

        public init(checkFiles: Bool = true, errorLimit: Int = DiagnosticCollector.defaultErrorLimit,
                    runLength: RunLength = RunLength(), leavesRunLengthOpen: Bool = true) {
            self.checkFiles = checkFiles
            self.errorLimit = errorLimit
            self.runLength = runLength
            self.leavesRunLengthOpen = leavesRunLengthOpen
        }
    }

    var script: Script
    let options: Options
    var source: SourceFile { script.source }
    var diagnostics: DiagnosticCollector
    /// `-D NAME=VALUE` overrides, and which were used.
    let overrides: [String: Double]
    var constants: [String: Double] = [:]
    var letRanges: [String: SourceRange] = [:]
    var statements: [CheckedStatement] = []
    var model: CheckedModel?
    var modelStatement: Statement?
    var inputShape: (shape: [Int], range: SourceRange)?
    var optimizer: CheckedOptimizer?
    /// An `optimizer` statement of a known kind whose values had errors: that kind with its
    /// defaults, to check the groups against (never part of a checked script).
    var failedOptimizer: CheckedOptimizer?
    var groups: [CheckedGroup] = []
    /// Groups whose own statement had an error (an unknown optimizer kind, a bad value):
    /// they still exist by name, so later statements naming them are not errors again.
    var failedGroupNames: Set<String> = []
    var groupSyntax: [(syntax: GroupSyntax, range: SourceRange)] = []
    var freezes: [CheckedFreeze] = []
    var schedules: [CheckedScheduleStatement] = []
    var scheduleSyntax: [ScheduleStatementSyntax] = []
    var scheduleRanges: [SourceRange] = []
    var showSyntax: [(syntax: ShowSyntax, range: SourceRange)] = []
    var train: CheckedTrain?
    var dataSource: CheckedDataSource?
    var seen: [String: SourceRange] = [:]
    /// The model's layer names, for selector words.
    var layerNames: Set<String> = []
    /// Set when parsing reported errors: the script is not run, but the statements that
    /// were read are still checked, with care for what the dropped ones declared.
    var syntaxFailed = false
    /// Keywords of statements left out for a syntax or lexical error.
    var droppedKeywords: Set<String> = []
    /// Names those statements may have declared (`let` names, group names).
    var droppedNames: Set<String> = []
    /// Of those, the names dropped `group` statements may have given their groups.
    var droppedGroupNames: Set<String> = []
    /// Where syntax and lexical errors are: statements containing one are not checked
    /// further, so a bad byte is reported once, not again as a bad value.
    var syntaxErrorOffsets: [Int] = []
    /// Whether `epochs`, `steps_per_epoch` and `total_steps` were bound (Checker+RunLength).
    var runLengthBound = false
    /// Their values where known (`wsd` needs its total).
    var boundRunLength = RunLength()
    /// What the script lacks when the run's length is not known.
    var runLengthGap: RunLengthGap?
    /// The statement count when the names were bound (a REPL entry may add what was missing).
    var runLengthTriedAt = 0
    /// The run-length names a checkpoint script's schedules may read without a value: the
    /// exported module takes them from `build()`'s keywords (Checker+RunLength).
    var openRunLength: [String] = []
    /// Names no expression may read here, with why: `constantContext`, and the run-length
    /// names nothing gives.
    var forbiddenNames = Checker.constantContext

    init(script: Script, overrides: [String: Double], options: Options) {
        self.script = script
        self.overrides = overrides
        self.options = options
        self.diagnostics = DiagnosticCollector(errorLimit: options.errorLimit)
    }

    /// Parses and checks a source file. `overrides` are `-D NAME=VALUE` values for `let`s.
    public static func check(_ source: SourceFile, overrides: [String: Double] = [:],
                             options: Options = Options()) -> CheckResult {
        let (script, syntaxDiagnostics) = Parser.parse(source, errorLimit: options.errorLimit)
        var checker = Checker(script: script, overrides: overrides, options: options)
        checker.syntaxFailed = syntaxDiagnostics.hasErrors
        checker.syntaxErrorOffsets = syntaxDiagnostics.filter { $0.severity == .error }.compactMap { $0.range?.start }
        checker.noteDropped(script.dropped)
        checker.diagnostics.report(contentsOf: syntaxDiagnostics)
        let checked = checker.run()
        return CheckResult(syntax: script, script: checked, diagnostics: checker.orderedDiagnostics)
    }

    /// Records the statements the parser dropped, so that what they declared is not
    /// reported again as unknown where it is used.
    mutating func noteDropped(_ dropped: [DroppedStatement]) {
        for statement in dropped {
            droppedKeywords.insert(statement.keyword)
            droppedNames.formUnion(statement.names)
            if statement.keyword == "group" { droppedGroupNames.formUnion(statement.names) }
        }
    }

    /// Diagnostics in source order (those without a place last), as a reader expects, less
    /// those that only repeat a dropped statement's error.
    var orderedDiagnostics: [Diagnostic] {
        diagnostics.diagnostics.filter { !isCascade($0) }.inSourceOrder()
    }

    mutating func run() -> CheckedScript? {
        // Pass 1, in script order: values, the model, the optimizer, options.
        statements.reserveCapacity(script.statements.count)
        // Sized once: growing a dictionary rehashes every name in it.
        let letCount = script.statements.reduce(0) { count, statement in
            if case .let = statement.kind { return count + 1 }
            return count
        }
        constants.reserveCapacity(letCount)
        letRanges.reserveCapacity(letCount)
        checkInOrder(script.statements)
        return finish()
    }

    /// Pass 1 of `statements`, in script order.
    mutating func checkInOrder(_ statements: [Statement]) {
        for statement in statements {
            if diagnostics.isFull { break }
            if hasSyntaxError(statement.range) {
                noteDropped(statement)
                continue
            }
            bindRunLengthIfRead(by: statement)
            checkStatement(statement)
        }
    }

    /// What follows pass 1: what needs the whole script.
    mutating func finish() -> CheckedScript? {
        for name in overrides.keys.sorted() where letRanges[name] == nil && !droppedNames.contains(name) {
            diagnostics.error(.overrideWithoutLet(name, suggestions: Suggestions.nearest(to: name, in: letRanges.keys.sorted())), at: nil)
        }
        if modelStatement == nil && !droppedKeywords.contains("model") {
            diagnostics.error(.missingModel, at: script.statements.first?.range ?? .at(0))
        }
        // Without a usable optimizer kind (a dropped statement, an unknown kind), the
        // groups' hyperparameters cannot be checked without repeating that error.
        let optimizerFailed = droppedKeywords.contains("optimizer")
            || (seen["optimizer"] != nil && optimizer == nil && failedOptimizer == nil)
        if optimizer == nil {
            optimizer = failedOptimizer ?? Checker.defaultOptimizer()
            // Not after syntax errors: a note about defaults is noise beside them.
            if seen["optimizer"] == nil && !syntaxFailed { diagnostics.note(.defaultOptimizer, at: nil) }
        }
        // Pass 2: what needs the whole script (the input shape, layer names, group
        // names, the run's length).
        // Without a statement the rest depends on (a dropped `input`, or an `optimizer` that
        // failed, whose kind decides every group's hyperparameters), checking on would
        // report that statement's error again in other words.
        if let modelStatement, case .model(let syntax) = modelStatement.kind, let file = syntax.file {
            model = checkCheckpointModel(file, range: modelStatement.range)
        } else if let modelStatement, case .model(let syntax) = modelStatement.kind, !droppedKeywords.contains("input") {
            model = checkModel(syntax, range: modelStatement.range)
            if let model { checkTokenData(model) }
        }
        checkUnfreezeEpochs()
        if let model, !optimizerFailed {
            if !scheduleSyntax.isEmpty || groupSyntax.contains(where: { mentionsRunLength($0.range) }) { bindRunLength() }
            checkGroups(in: model)
            checkSchedules()
            checkShows(in: model)
        }
        guard !syntaxFailed, failedOptimizer == nil, !diagnostics.hasErrors, let model, let optimizer else { return nil }
        return CheckedScript(source: source, syntax: script, statements: statements, constants: constants,
                             model: model, optimizer: optimizer, groups: groups, freezes: freezes,
                             schedules: schedules)
    }

    /// Reports a second `model`, `optimizer`, `input`, ... statement.
    mutating func once(_ statement: Statement) -> Bool {
        let keyword = statement.keyword.text
        if let first = seen[keyword] {
            diagnostics.error(.duplicateStatement(keyword), at: statement.keyword.range,
                              notes: [.note(.previousDefinition(keyword), at: first)])
            return false
        }
        seen[keyword] = statement.keyword.range
        return true
    }

    /// A statement skipped for a lexical error counts as dropped (see `Script.dropped`).
    mutating func noteDropped(_ statement: Statement) {
        var names: [String] = []
        switch statement.kind {
        case .let(let name, _): names = [name.text]
        case .group(let group): names = [group.alias?.text, group.selector.plainWord].compactMap { $0 }
        default: break
        }
        noteDropped([DroppedStatement(keyword: statement.keyword.text, names: names)])
    }

    /// Whether a diagnostic only repeats a dropped statement's error: a use of a name it
    /// declared, or (when a group was dropped, so later groups' numbering and names are in
    /// doubt) a group name that is not found.
    func isCascade(_ diagnostic: Diagnostic) -> Bool {
        guard !droppedKeywords.isEmpty else { return false }
        switch diagnostic.condition {
        case .unknownName(let name, _): return droppedNames.contains(name)
        case .unknownScheduleGroup(let name, _, _), .unknownGroup(let name, _, _):
            // Also `groupN`: a dropped group moves the numbers of the unnamed ones after it.
            return droppedKeywords.contains("group")
                && (droppedNames.contains(name) || (name.hasPrefix("group") && Int(name.dropFirst(5)) != nil))
        default: return false
        }
    }

    func hasSyntaxError(_ range: SourceRange) -> Bool {
        syntaxErrorOffsets.contains { $0 >= range.start && $0 < range.end }
    }

    static func defaultOptimizer() -> CheckedOptimizer {
        CheckedOptimizer(kind: .sgd, hyperparameters: OptimizerKind.sgd.hyperparameters.map {
            HyperparameterSetting(name: $0.name, value: defaultArgument($0), source: .default, range: nil)
        }, range: nil)
    }
}

/// The value of a default.
func defaultArgument(_ spec: ArgumentSpec) -> ArgumentValue {
    switch spec.defaultValue {
    case .number(let x)?: return spec.type == .integer ? .integer(Int(x)) : .number(x)
    case .bool(let b)?: return .bool(b)
    case .symbol(let s)?: return .symbol(s)
    case .numbers(let list)?: return .numbers(list)
    case .optionalNumbers(let list)?: return .optionalNumbers(list)
    case .unset?, nil: return .unset
    }
}
