import LRSEngine
import LRSLanguage

/// Python literals and comments: numbers that read back as the same double, strings,
/// and `# line N: ...` pointers back to the script.
enum PythonText {
    /// A float literal: the shortest text that reads back as the same double.
    static func float(_ x: Double) -> String {
        if x.isNaN { return "math.nan" }
        if x.isInfinite { return x < 0 ? "-math.inf" : "math.inf" }
        return "\(x)"
    }

    /// A number as a person writes it: whole values as integers (`1`, `45`), others as floats.
    static func number(_ x: Double) -> String {
        if x.isFinite, x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int64(x)) }
        return float(x)
    }

    static func bool(_ b: Bool) -> String { b ? "True" : "False" }

    /// A double-quoted string literal.
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `["a", "b"]`.
    static func stringList(_ items: [String]) -> String {
        "[" + items.map(string).joined(separator: ", ") + "]"
    }

    /// A hyperparameter or argument value; `nil` for values Python has no literal for here.
    static func value(_ v: ArgumentValue) -> String? {
        switch v {
        case .number(let x): return float(x)
        case .integer(let n): return String(n)
        case .integers(let list): return "[" + list.map(String.init).joined(separator: ", ") + "]"
        case .numbers(let list): return "(" + list.map(float).joined(separator: ", ") + (list.count == 1 ? ",)" : ")")
        case .optionalNumbers(let list):
            return "(" + list.map { $0.map(float) ?? "None" }.joined(separator: ", ") + (list.count == 1 ? ",)" : ")")
        case .bool(let b): return bool(b)
        case .symbol(let s), .string(let s): return string(s)
        case .expression(let e): return e.constantValue.map(float)
        case .unset: return "None"
        }
    }

    /// `line N: TEXT`: the source lines the range starts and ends on, comments dropped,
    /// on one line, for a comment pointing back at the script.
    static func origin(_ range: SourceRange, in source: SourceFile) -> String {
        let first = source.location(of: range.start).line
        let last = Swift.max(first, source.location(of: Swift.max(range.start, range.end - 1)).line)
        let lines = source.text.split(separator: "\n", omittingEmptySubsequences: false)
        var words: [Substring] = []
        for index in (first - 1)..<last where index >= 0 && index < lines.count {
            words += withoutComment(lines[index]).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        }
        let text = "line \(first): " + words.joined(separator: " ")
        // A pointer, not a copy: long statements are cut so that comments stay short.
        return text.count <= 84 ? text : String(text.prefix(81)) + "..."
    }

    /// The line up to a `#` that is not inside a string.
    private static func withoutComment(_ line: Substring) -> Substring {
        var quoted = false
        var escaped = false
        for index in line.indices {
            let c = line[index]
            if escaped { escaped = false; continue }
            if quoted && c == "\\" { escaped = true; continue }
            if c == "\"" { quoted.toggle() }
            if c == "#" && !quoted { return line[..<index] }
        }
        return line
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
