/// A position in a source file: byte offset, and the line and column it falls on (from 1).
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// Byte offset from the start of the file.
    public let offset: Int
    /// Line, counting from 1.
    public let line: Int
    /// Column, counting from 1, in Unicode scalars.
    public let column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A half-open range of bytes `start..<end` in one source file.
///
/// Ranges hold offsets only, so tokens and nodes stay small; `SourceFile.location(of:)`
/// turns an offset into a line and column when a diagnostic is printed.
public struct SourceRange: Sendable, Hashable {
    /// Offset of the first byte.
    public var start: Int
    /// Offset one past the last byte.
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = Swift.max(start, end)
    }

    /// The smallest range that covers both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(start: Swift.min(start, other.start), end: Swift.max(end, other.end))
    }

    /// An empty range at an offset (a point, e.g. the end of the file).
    public static func at(_ offset: Int) -> SourceRange { SourceRange(start: offset, end: offset) }
}
