/// Collects diagnostics in order and stops one mistake from burying the rest: after
/// `errorLimit` errors it records one "too many errors" and drops everything after it.
public struct DiagnosticCollector: Sendable {
    /// The default cap on errors per file.
    public static let defaultErrorLimit = 20

    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var errorCount = 0
    let errorLimit: Int
    /// Set once the cap is reached; later reports are ignored.
    public private(set) var isFull = false

    public init(errorLimit: Int = DiagnosticCollector.defaultErrorLimit) {
        self.errorLimit = Swift.max(1, errorLimit)
    }

    /// Records a diagnostic unless the cap was reached.
    public mutating func report(_ diagnostic: Diagnostic) {
        guard !isFull else { return }
        if diagnostic.severity == .error {
            if errorCount == errorLimit {
                isFull = true
                // Where the one that overflowed is, or (for one with no place, a `-D`
                // problem) where the last one was.
                diagnostics.append(.error(.tooManyErrors(errorLimit), at: diagnostic.range ?? diagnostics.last?.range))
                return
            }
            errorCount += 1
        }
        diagnostics.append(diagnostic)
    }

    /// Records "too many errors" and ignores everything after it.
    public mutating func stop(at range: SourceRange?) {
        guard !isFull else { return }
        isFull = true
        diagnostics.append(.error(.tooManyErrors(errorLimit), at: range))
    }

    public mutating func report(contentsOf list: [Diagnostic]) {
        for diagnostic in list { report(diagnostic) }
    }

    public mutating func error(_ condition: DiagnosticCondition, at range: SourceRange?,
                               notes: [Diagnostic] = []) {
        report(.error(condition, at: range, notes: notes))
    }

    public mutating func warning(_ condition: DiagnosticCondition, at range: SourceRange?,
                                 notes: [Diagnostic] = []) {
        report(.warning(condition, at: range, notes: notes))
    }

    public mutating func note(_ condition: DiagnosticCondition, at range: SourceRange?) {
        report(.note(condition, at: range))
    }

    public var hasErrors: Bool { errorCount > 0 }
}
