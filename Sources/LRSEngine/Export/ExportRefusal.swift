import LRSLanguage

/// Why a script cannot be exported: a setup PyTorch cannot express faithfully, with the
/// place in the script that asks for it. Never an approximation written out instead.
public struct ExportRefusal: Error, Sendable {
    /// What cannot be exported and why (lower case, no trailing period).
    public let message: String
    /// The statement or expression responsible.
    public let range: SourceRange?

    public init(_ message: String, at range: SourceRange?) {
        self.message = message
        self.range = range
    }
}

extension ExportRefusal {
    /// The refusal as an error at the start of its range (a caret, no underline), for
    /// `DiagnosticRenderer`.
    public var diagnostic: Diagnostic {
        .error(.exportRefused(reason: message), at: range.map { SourceRange(start: $0.start, end: $0.start) })
    }
}
