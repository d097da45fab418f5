/// Minimal JSON writing: strings escaped, non-finite numbers as null.
public enum JSON {
    public static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    public static func number(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

    public static func ints(_ list: [Int]) -> String { "[" + list.map(String.init).joined(separator: ", ") + "]" }
}
