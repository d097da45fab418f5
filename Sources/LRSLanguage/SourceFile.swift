/// A script's text and where it came from; the root of every source location.
public struct SourceFile: Sendable {
    /// The name diagnostics print: the path as the user gave it, or `<repl>`.
    public let path: String
    /// The bytes of the file as UTF-8 text (invalid sequences already replaced).
    public let text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
