import LRSEngine
import LRSLanguage

/// Why a script cannot be exported: a setup PyTorch cannot express faithfully, with the
/// place in the script that asks for it. Never an approximation written out instead.
public struct ExportRefusal: Error, Sendable {
    /// What cannot be exported, as data; its wording is `ExportProblem.description`.
    public let problem: ExportProblem
    /// The statement or expression responsible.
    public let range: SourceRange?

    public init(_ problem: ExportProblem, at range: SourceRange?) {
        self.problem = problem
        self.range = range
    }

    /// What cannot be exported and why (lower case, no trailing period).
    public var message: String { problem.description }

    /// The refusal as the diagnostic `lrs export` prints: an error at the start of its
    /// range (a caret, no underline).
    public var diagnostic: Diagnostic {
        .error(.cannotExport(problem), at: range.map { SourceRange(start: $0.start, end: $0.start) })
    }
}
