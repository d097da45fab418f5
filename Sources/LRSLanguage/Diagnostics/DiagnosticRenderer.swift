/// Prints diagnostics the way compilers do:
///
///     seed.lrs:3:22: error: unknown layer 'rleu'; did you mean 'relu'?
///     model < conv 3 16 3; rleu; linear 10816 10 >
///                          ^~~~
public struct DiagnosticRenderer: Sendable {
    /// Whether to colour severities and carets with ANSI escapes (terminals only).
    public var color: Bool

    public init(color: Bool = false) {
        self.color = color
    }

    /// The text of one diagnostic and its notes, each line ending in a newline.
    public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        var out = ""
        append(diagnostic, in: source, to: &out)
        for note in diagnostic.notes { append(note, in: source, to: &out) }
        return out
    }

    /// The text of every diagnostic in order.
    public func render(_ diagnostics: [Diagnostic], in source: SourceFile) -> String {
        var out = ""
        for diagnostic in diagnostics {
            append(diagnostic, in: source, to: &out)
            for note in diagnostic.notes { append(note, in: source, to: &out) }
        }
        return out
    }

    private func append(_ diagnostic: Diagnostic, in source: SourceFile, to out: inout String) {
        let severity = paint(diagnostic.severity.rawValue + ":", code: code(for: diagnostic.severity))
        guard let range = diagnostic.range else {
            out += "\(source.path): \(severity) \(diagnostic.message)\n"
            return
        }
        let start = source.location(of: range.start)
        out += "\(source.path):\(start.line):\(start.column): \(severity) \(diagnostic.message)\n"
        let bytes = source.lineBytes(start.line)
        // Tildes cover the rest of the range on this line; a range that goes on to later
        // lines is underlined to the end of the first.
        let end = source.location(of: range.end)
        if bytes.count <= Self.widestLine, bytes.allSatisfy({ $0 < 0x80 }) {
            // The common case, ASCII: columns are byte counts.
            out += printable(bytes)
            out += "\n"
            let lastColumn = end.line == start.line ? end.column : bytes.count + 1
            let width = Swift.max(0, Swift.min(lastColumn, bytes.count + 1) - start.column - 1)
            let indent = Swift.max(0, start.column - 1)
            if !bytes.prefix(indent).contains(UInt8(ascii: "\t")) {
                out += String(repeating: " ", count: Swift.min(indent, bytes.count))
            } else {
                // Under the line's text: blanks, except tabs stay tabs so the caret lines up.
                for byte in bytes.prefix(indent) { out += byte == UInt8(ascii: "\t") ? "\t" : " " }
            }
            out += paint("^" + String(repeating: "~", count: width), code: "32")
            out += "\n"
            return
        }
        var line = Array(printable(bytes).unicodeScalars)
        var caretColumn = start.column
        var lastColumn = end.line == start.line ? end.column : line.count + 1
        // A very long line (400 KB of parentheses) is shown as a window around the caret.
        if line.count > Self.widestLine {
            let first = Swift.max(0, Swift.min(start.column - 1 - Self.widestLine / 3, line.count - Self.widestLine))
            let last = Swift.min(line.count, first + Self.widestLine)
            let head: [Unicode.Scalar] = first > 0 ? Array("...".unicodeScalars) : []
            let tail: [Unicode.Scalar] = last < line.count ? Array("...".unicodeScalars) : []
            line = head + line[first..<last] + tail
            caretColumn = start.column - first + head.count
            lastColumn = Swift.min(lastColumn - first + head.count, line.count - tail.count + 1)
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: line)
        out += text + "\n"
        let width = Swift.max(0, Swift.min(lastColumn, line.count + 1) - caretColumn - 1)
        var marker = ""
        for scalar in line.prefix(Swift.max(0, caretColumn - 1)) {
            marker.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
        }
        out += marker
        out += paint("^" + String(repeating: "~", count: width), code: "32")
        out += "\n"
    }

    /// The most characters of a source line a diagnostic shows.
    static let widestLine = 160

    /// The line as text, control characters (NUL, escape, C1 controls, ...) shown as spaces
    /// so the terminal is not disturbed and columns still line up.
    private func printable(_ bytes: ArraySlice<UInt8>) -> String {
        // ASCII without a control byte is printable as it is (C1 controls are multi-byte).
        if !bytes.contains(where: { $0 < 0x20 && $0 != UInt8(ascii: "\t") || $0 >= 0x7F }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var text = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" || (0x7F...0x9F).contains(scalar.value) {
                text.unicodeScalars.append(" ")
            } else {
                text.unicodeScalars.append(scalar)
            }
        }
        return text
    }

    private func code(for severity: Diagnostic.Severity) -> String {
        switch severity {
        case .error: return "1;31"
        case .warning: return "1;35"
        case .note: return "1;36"
        }
    }

    private func paint(_ text: String, code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
