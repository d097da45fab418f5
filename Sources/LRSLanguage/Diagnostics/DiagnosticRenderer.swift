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

    /// The first line alone, without its newline: `FILE:LINE:COL: error: MESSAGE` (`FILE:
    /// error: MESSAGE` when the diagnostic has no place), as a run's summary records it.
    public func headline(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
        var out = ""
        appendHeadline(diagnostic, in: source, to: &out)
        return out
    }

    /// The headline written into `out` piece by piece: a big script's check prints thousands,
    /// and an interpolated line would first build a string of its own.
    private func appendHeadline(_ diagnostic: Diagnostic, in source: SourceFile, to out: inout String) {
        out += source.path
        if let range = diagnostic.range {
            let start = source.location(of: range.start)
            out += ":"
            out += String(start.line)
            out += ":"
            out += String(start.column)
        }
        out += ": "
        out += paint(diagnostic.severity.rawValue + ":", code: code(for: diagnostic.severity))
        out += " "
        // Messages quote names from the script and from data files: escaped like the line.
        out += TerminalText.escaped(diagnostic.message)
    }

    private func append(_ diagnostic: Diagnostic, in source: SourceFile, to out: inout String) {
        appendHeadline(diagnostic, in: source, to: &out)
        out += "\n"
        guard let range = diagnostic.range else { return }
        let start = source.location(of: range.start)
        let bytes = source.lineBytes(start.line)
        // Tildes cover the rest of the range on this line; a range that goes on to later
        // lines is underlined to the end of the first.
        let end = source.location(of: range.end)
        if bytes.count <= Self.widestLine, bytes.allSatisfy({ (0x20..<0x7F).contains($0) || $0 == UInt8(ascii: "\t") }) {
            // The common case, printable ASCII: columns are byte counts.
            out += String(decoding: bytes, as: UTF8.self)
            out += "\n"
            let lastColumn = end.line == start.line ? end.column : bytes.count + 1
            let width = Swift.max(0, Swift.min(lastColumn, bytes.count + 1) - start.column - 1)
            let indent = Swift.max(0, start.column - 1)
            if !bytes.prefix(indent).contains(UInt8(ascii: "\t")) {
                out.appendSpaces(Swift.min(indent, bytes.count))
            } else {
                // Under the line's text: blanks, except tabs stay tabs so the caret lines up.
                for byte in bytes.prefix(indent) { out += byte == UInt8(ascii: "\t") ? "\t" : " " }
            }
            out += paint("^" + String(repeating: "~", count: width), code: "32")
            out += "\n"
            return
        }
        appendLine(bytes, caret: range.start, end: end.line == start.line ? range.end : nil, in: source, to: &out)
    }

    /// A line that is long, not ASCII, or holds characters a terminal must not see raw:
    /// cut to a window around the caret (before decoding, so a 1 MB line costs no more than
    /// a short one), unsafe characters escaped, and the caret under what it points at.
    private func appendLine(_ bytes: ArraySlice<UInt8>, caret: Int, end: Int?, in source: SourceFile,
                            to out: inout String) {
        // A window of bytes wide enough for `widestLine` characters either side of the caret,
        // its edges moved off UTF-8 continuation bytes.
        let reach = Self.widestLine * 4
        var low = Swift.max(bytes.startIndex, Swift.min(caret, bytes.endIndex) - reach)
        var high = Swift.min(bytes.endIndex, Swift.max(caret, bytes.startIndex) + reach)
        while low > bytes.startIndex, low < high, bytes[low] & 0xC0 == 0x80 { low += 1 }
        while high < bytes.endIndex, high > low, bytes[high] & 0xC0 == 0x80 { high -= 1 }
        let caretIndex = source.scalarCount(from: low, to: Swift.max(low, Swift.min(caret, high)))
        let endIndex = end.map { source.scalarCount(from: low, to: Swift.max(low, Swift.min($0, high))) }

        // Each character as shown, and its width in columns (an escape is several).
        var shown: [String] = []
        for scalar in String(decoding: bytes[low..<high], as: UTF8.self).unicodeScalars {
            shown.append(scalar != "\t" && TerminalText.isUnsafe(scalar) ? TerminalText.escape(scalar) : String(scalar))
        }
        let width = shown.map { $0.unicodeScalars.count }
        let caretAt = Swift.min(caretIndex, shown.count)
        let endAt = Swift.max(caretAt, Swift.min(endIndex ?? shown.count, shown.count))

        // At most `widestLine` columns: a third before the caret, the rest after it.
        var first = caretAt, used = 0
        while first > 0, used + width[first - 1] <= Self.widestLine / 3 {
            first -= 1
            used += width[first]
        }
        var last = caretAt
        while last < shown.count, used + width[last] <= Self.widestLine {
            used += width[last]
            last += 1
        }
        while first > 0, used + width[first - 1] <= Self.widestLine {
            first -= 1
            used += width[first]
        }
        let head = first > 0 || low > bytes.startIndex ? "..." : ""
        let tail = last < shown.count || high < bytes.endIndex ? "..." : ""
        out += head + shown[first..<last].joined() + tail + "\n"
        var marker = ""
        marker.appendSpaces(head.count)
        for i in first..<caretAt {
            if shown[i] == "\t" { marker += "\t" } else { marker.appendSpaces(width[i]) }
        }
        let covered = width[caretAt..<Swift.min(endAt, last)].reduce(0, +)
        out += marker
        out += paint("^" + String(repeating: "~", count: Swift.max(0, covered - 1)), code: "32")
        out += "\n"
    }

    /// The most columns of a source line a diagnostic shows.
    static let widestLine = 160

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
