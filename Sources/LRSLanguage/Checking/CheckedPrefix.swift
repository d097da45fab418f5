/// A script checked a piece at a time: the checker's state after the in-order pass over
/// the statements so far. The REPL adds an entry at a time; checking an addition against
/// this state costs the addition and the whole-script pass (model, groups, schedules),
/// not a new parse and check of every line typed before it.
///
/// Checking `prefix + addition` this way gives the diagnostics and checked script that
/// `Checker.check` gives for the joined text: the in-order pass is a fold over the
/// statements, and the prefix ends where a statement ends.
public struct CheckedPrefix {
    /// The checker after the in-order pass (pass 1) over `source`, before pass 2.
    private var checker: Checker

    /// The text checked so far.
    public var source: SourceFile { checker.script.source }

    /// A prefix of no statements, for scripts named `path`.
    public init(path: String, options: Checker.Options = Checker.Options()) {
        let empty = SourceFile(path: path, bytes: [])
        checker = Checker(script: Script(source: empty, statements: []), overrides: [:], options: options)
    }

    /// `source` checked in full, as the start of a script that grows; nil when it has syntax
    /// errors (a script with those is not continued).
    public init?(_ source: SourceFile, options: Checker.Options = Checker.Options()) {
        self.init(path: source.path, options: options)
        guard source.bytes.isEmpty || source.bytes.last == UInt8(ascii: "\n") else { return nil }
        _ = add(source.bytes)
        if !isContinuable { return nil }
    }

    /// How many checked statements the text so far gave (those of an addition follow).
    public var checkedCount: Int { checker.statements.count }

    /// Whether the text so far parsed (a prefix with syntax errors checks nothing further).
    public var isContinuable: Bool { !checker.syntaxFailed }

    /// Adds `addition` (whole lines) and returns the check of the whole script so far. The
    /// state is extended in place: keep a copy to go back.
    public mutating func add(_ addition: [UInt8]) -> CheckResult {
        let start = source.bytes.count
        // Moved out, so that appending to them does not copy what is there.
        var joined = checker.script.source
        var statements = checker.script.statements
        checker.script = Script(source: SourceFile(path: joined.path, bytes: []), statements: [])
        joined.append(addition)
        let (added, syntax) = Parser.parse(joined, from: start, errorLimit: checker.options.errorLimit)
        statements += added.statements
        checker.script = Script(source: joined, statements: statements)
        checker.syntaxFailed = checker.syntaxFailed || syntax.hasErrors
        checker.syntaxErrorOffsets += syntax.filter { $0.severity == .error }.compactMap { $0.range?.start }
        checker.noteDropped(added.dropped)
        checker.diagnostics.report(contentsOf: syntax)
        checker.checkInOrder(added.statements)
        var finished = checker
        let checked = finished.finish()
        return CheckResult(syntax: finished.script, script: checked, diagnostics: finished.orderedDiagnostics)
    }
}
