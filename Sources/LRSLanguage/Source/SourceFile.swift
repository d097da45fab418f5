import Foundation
import LRSFiles

/// A script's bytes and where they came from; the root of every source location.
///
/// The front end works on the raw bytes, so invalid UTF-8 and NUL bytes are located and
/// reported instead of being silently replaced before the lexer sees them.
public struct SourceFile: Sendable {
    /// The name diagnostics print: the path as the user gave it, or `<repl>`.
    public let path: String
    /// The bytes of the file as read, less a UTF-8 byte-order mark at the start (editors
    /// on Windows write one; it is not part of the script, and columns do not count it).
    public private(set) var bytes: [UInt8]
    /// Byte offset of the first byte of every line; `lineStarts[0] == 0`. A line ends with
    /// LF, CRLF or a lone CR.
    private(set) var lineStarts: [Int]

    /// The UTF-8 encoding of U+FEFF.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// A source from bytes (a file as read from disk, or any input at all).
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        let bytes = bytes.starts(with: SourceFile.byteOrderMark) ? Array(bytes.dropFirst(3)) : bytes
        self.bytes = bytes
        self.lineStarts = SourceFile.lineStarts(of: bytes)
    }

    /// Where each line of `bytes` starts: after every LF, and after every CR not followed by LF.
    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for offset in bytes.indices {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r") && (offset + 1 == bytes.count || bytes[offset + 1] != UInt8(ascii: "\n")) {
                starts.append(offset + 1)
            }
        }
        return starts
    }

    /// Appends `more` bytes, finding only their lines: the REPL's script grows an entry at
    /// a time. `self` ends at a line break (or is empty).
    public mutating func append(_ more: [UInt8]) {
        guard bytes.isEmpty || bytes.last == UInt8(ascii: "\n") else {
            self = SourceFile(path: path, bytes: bytes + more)
            return
        }
        lineStarts.removeLast()
        lineStarts += SourceFile.lineStarts(of: more).map { $0 + bytes.count }
        bytes += more
    }

    /// A source from text (tests, the REPL).
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// Reads a file; `nil` when it cannot be read.
    public init?(contentsOf path: String) {
        // A regular file straight into the bytes (FileManager's first use took a tenth of a
        // millisecond of each `lrs check`); anything else (a pipe, a device) as before.
        if let bytes = try? FileBytes.readAll(path) {
            self.init(path: path, bytes: bytes)
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        self.init(path: path, bytes: [UInt8](data))
    }

    /// The text of the file, invalid UTF-8 replaced by U+FFFD.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The directory relative paths in the script resolve against: what Foundation's URL
    /// says (absolute, against the working directory), made by hand for a plainly written
    /// path (URL's first use took a third of a millisecond of each `lrs check`).
    public var directory: String {
        if let plain = Self.plainDirectory(of: path) { return plain }
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path
    }

    /// The directory of `path` when it and the working directory are plainly written, where
    /// URL's answer is the text before the last slash, made absolute; nil otherwise.
    static func plainDirectory(of path: String, workingDirectory: () -> String? = currentDirectory) -> String? {
        guard isPlain(path) else { return nil }
        let head = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[..<$0]) } ?? ""
        if path.hasPrefix("/") { return head.isEmpty ? "/" : head }
        guard let cwd = workingDirectory(), cwd == "/" || (cwd.hasPrefix("/") && isPlain(cwd)) else { return nil }
        if head.isEmpty { return cwd }
        return (cwd == "/" ? "" : cwd) + "/" + head
    }

    /// Printable ASCII other than `%`, `\` and `~`, and no empty, `.` or `..` segment (but the
    /// leading empty one of an absolute path): no trailing or doubled slash.
    static func isPlain(_ text: String) -> Bool {
        guard !text.isEmpty,
              text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "%") && $0 != UInt8(ascii: "\\")
                                     && $0 != UInt8(ascii: "~") })
        else { return false }
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        return segments.indices.allSatisfy { index in
            let segment = segments[index]
            return (index == 0 && segment.isEmpty && segments.count > 1) || (!segment.isEmpty && segment != "." && segment != "..")
        }
    }

    static func currentDirectory() -> String? {
        guard let cwd = getcwd(nil, 0) else { return nil }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// Line (from 1) and column (from 1, in Unicode scalars) of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        let clamped = Swift.max(0, Swift.min(offset, bytes.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= clamped { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        let column = scalarCount(from: start, to: clamped) + 1
        return SourceLocation(offset: clamped, line: low + 1, column: column)
    }

    /// The bytes of line `line` (from 1) without its newline.
    func lineBytes(_ line: Int) -> ArraySlice<UInt8> {
        guard line >= 1, line <= lineStarts.count else { return [] }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        // The CR of a CRLF (a lone CR was the line's end itself).
        if end > start, end < bytes.count, bytes[end] == UInt8(ascii: "\n"), bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return bytes[start..<Swift.max(start, end)]
    }

    /// The source text of a range (for names and messages), invalid bytes replaced.
    public func text(of range: SourceRange) -> String {
        let start = Swift.max(0, Swift.min(range.start, bytes.count))
        let end = Swift.max(start, Swift.min(range.end, bytes.count))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// Counts scalars as `String(decoding:)` would produce them, so columns match the
    /// printed line even when the bytes are not valid UTF-8. ASCII bytes are one scalar
    /// each, so most lines are counted without decoding them.
    func scalarCount(from start: Int, to end: Int) -> Int {
        guard end > start else { return 0 }
        let slice = bytes[start..<end]
        if slice.allSatisfy({ $0 < 0x80 }) { return slice.count }
        return String(decoding: slice, as: UTF8.self).unicodeScalars.count
    }
}
