/// One message about a script: what is wrong (or worth knowing), and where.
///
/// Diagnostics are data: phases return them, and only the command line and the REPL print
/// them (with `DiagnosticRenderer`). The wording lives in `DiagnosticCondition`.
public struct Diagnostic: Sendable {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable, Comparable {
        case note, warning, error

        public static func < (a: Severity, b: Severity) -> Bool {
            a.rank < b.rank
        }

        private var rank: Int {
            switch self {
            case .note: return 0
            case .warning: return 1
            case .error: return 2
            }
        }
    }

    public let severity: Severity
    /// What happened, with its values; tests match on this.
    public let condition: DiagnosticCondition
    /// Where; `nil` for problems outside the text (a `-D` override, memory, a file).
    public let range: SourceRange?
    /// Further located notes ("previous definition is here").
    public var notes: [Diagnostic]

    public init(_ severity: Severity, _ condition: DiagnosticCondition, at range: SourceRange?,
                notes: [Diagnostic] = []) {
        self.severity = severity
        self.condition = condition
        self.range = range
        self.notes = notes
    }

    /// The message, lower case with no trailing period.
    public var message: String { condition.message }

    public static func error(_ condition: DiagnosticCondition, at range: SourceRange?,
                             notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(.error, condition, at: range, notes: notes)
    }

    public static func warning(_ condition: DiagnosticCondition, at range: SourceRange?,
                               notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(.warning, condition, at: range, notes: notes)
    }

    public static func note(_ condition: DiagnosticCondition, at range: SourceRange?) -> Diagnostic {
        Diagnostic(.note, condition, at: range)
    }
}

extension Array where Element == Diagnostic {
    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { contains { $0.severity == .error } }
}

/// A diagnostic can be thrown by a phase that stops at its first error (loading files,
/// running), so the caller prints it like any other.
extension Diagnostic: Error {}

extension Sequence where Element == Diagnostic {
    /// In source order, as a reader expects: by where each starts, those without a place
    /// (overrides, defaults) last, and in the order reported where two start together.
    public func inSourceOrder() -> [Diagnostic] {
        let items = Array(self)
        let starts = items.map { $0.range?.start ?? Int.max }
        // Most lists arrive in order already: checked in one pass, and nothing moved.
        if zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }) { return items }
        // Sorted as positions, not as diagnostics, which are large to move.
        let order = starts.indices.sorted { (starts[$0], $0) < (starts[$1], $1) }
        return order.map { items[$0] }
    }
}
