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
    /// Messages about REPL commands ("nothing to undo"), without a location.
    public var messages: [String] = []
    public var quit = false

    /// Whether the entry was refused (an error diagnostic or message).
    public var failed: Bool {
        !messages.isEmpty || problems.contains { $0.diagnostic.severity == .error }
    }

    mutating func fail(_ message: String) { messages.append(message) }

    mutating func report(_ diagnostics: [Diagnostic], in source: SourceFile) {
        problems += diagnostics.map { Problem(diagnostic: $0, source: source) }
    }
}
