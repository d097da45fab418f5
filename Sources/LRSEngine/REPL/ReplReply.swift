import LRSLanguage

/// What the REPL answers to one entry: text for standard output, diagnostics (each with the
/// source it points into), plain messages for standard error, and whether to end.
public struct ReplReply {
    /// A diagnostic and the text it is located in (`<repl>`, or a loaded file).
    public struct Problem {
        public let diagnostic: Diagnostic
        public let source: SourceFile
    }

    public var output = ""
    public var problems: [Problem] = []
    /// Messages about REPL commands ("nothing to undo"); `place` says where.
    public var messages: [String] = []
    /// Where the entry was typed, `<repl>:LINE:COL` (the first word of it); nil for the
    /// command line's own `lrs repl FILE`, which is no line of input.
    public var place: String?
    public var quit = false

    /// Whether the entry was refused (an error diagnostic or message).
    public var failed: Bool {
        !messages.isEmpty || problems.contains { $0.diagnostic.severity == .error }
    }

    mutating func fail(_ message: String) { messages.append(message) }

    /// Diagnostics of the session with no place in it (a training step that failed) are
    /// placed where the entry was typed.
    mutating func placeUnlocated() {
        guard let place else { return }
        problems = problems.map { problem in
            guard problem.diagnostic.range == nil, problem.source.path.hasSuffix("<repl>") else { return problem }
            return Problem(diagnostic: problem.diagnostic, source: SourceFile(path: place, bytes: []))
        }
    }

    /// A message as printed: `<repl>:LINE:COL: error: MESSAGE`.
    public func located(_ message: String, severity: String = "error") -> String {
        (place.map { $0 + ": " } ?? "") + severity + ": " + message
    }

    mutating func report(_ diagnostics: [Diagnostic], in source: SourceFile) {
        problems += diagnostics.map { Problem(diagnostic: $0, source: source) }
    }
}
