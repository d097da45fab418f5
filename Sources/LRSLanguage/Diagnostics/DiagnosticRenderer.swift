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
        let line = printable(bytes)
        out += line
        out += "\n"
        // Tildes cover the rest of the range on this line; a range that goes on to later
        // lines is underlined to the end of the first.
        let end = source.location(of: range.end)
        let isASCII = bytes.allSatisfy { $0 < 0x80 }
        let lineLength = isASCII ? bytes.count : line.unicodeScalars.count
        let lastColumn = end.line == start.line ? end.column : lineLength + 1
        let width = Swift.max(0, Swift.min(lastColumn, lineLength + 1) - start.column - 1)
        // Under the line's text: blanks, except tabs stay tabs so the caret lines up.
        let indent = start.column - 1
        if isASCII, !bytes.prefix(indent).contains(UInt8(ascii: "\t")) {
            out += String(repeating: " ", count: Swift.min(indent, bytes.count))
        } else {
            for scalar in line.unicodeScalars.prefix(indent) {
                out.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
            }
        }
        out += paint("^" + String(repeating: "~", count: width), code: "32")
        out += "\n"
    }

    /// The line as text, control characters (NUL, escape, ...) shown as spaces so the
    /// terminal is not disturbed and columns still line up.
    private func printable(_ bytes: ArraySlice<UInt8>) -> String {
        // Bytes of multi-byte sequences are all 0x80 or above: without a control byte the
        // decoded line is already printable.
        if !bytes.contains(where: { $0 < 0x20 && $0 != UInt8(ascii: "\t") || $0 == 0x7F }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var text = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t" || scalar.value == 0x7F {
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
