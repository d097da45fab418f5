/// Text from files (source lines, names read from scripts, CSV headers, safetensors keys)
/// made safe to write to a terminal: characters that would act on the terminal instead of
/// showing (NUL, escape and the other C0/C1 controls, DEL) or reorder what it shows (the
/// bidirectional controls, U+202E and its kin) are written as `\u{...}` escapes.
public enum TerminalText {
    /// Whether `scalar` is written escaped. Tabs and newlines are the caller's choice.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        guard v >= 0x061C else { return false }
        // Bidirectional marks, embeddings, overrides and isolates; line and paragraph
        // separators (they break lines in some terminals); a byte-order mark inside text.
        return v == 0x061C || (0x200E...0x200F).contains(v) || (0x2028...0x202E).contains(v)
            || (0x2066...0x2069).contains(v) || v == 0xFEFF
    }

    /// How an unsafe scalar is written: `\u{202E}`, `\u{0}`.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }

    /// `text` with every unsafe scalar escaped; tabs and newlines kept when asked.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = true) -> String {
        // Most text has nothing to escape: then it is returned as it is. Printable ASCII is
        // seen by its bytes (thousands of messages of a big script's check), the rest by scalar.
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || (keepingLineBreaks && ($0 == 0x0A || $0 == 0x09)) }) {
            return text
        }
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && !(keepingLineBreaks && ($0 == "\n" || $0 == "\t")) })
        else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar), !(keepingLineBreaks && (scalar == "\n" || scalar == "\t")) {
                out += escape(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
