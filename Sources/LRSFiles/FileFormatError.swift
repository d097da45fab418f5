/// A data or state file that cannot be used: missing, truncated, corrupt, or of a shape or
/// type the script cannot use. `reason` is lower-case with no trailing period; the caller
/// places it at the statement that named the file.
public struct FileFormatError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, _ reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "'\(path)': \(reason)" }
}
