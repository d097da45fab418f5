import Foundation

/// Numbers for people (messages, reports, tables): the shortest text that reads back as the
/// value, except that a value the script computed (`0.001 * 0.686` is 0.0006860000000000001
/// in binary) is shown rounded to 12 significant digits, as `0.000686`. Files for tools
/// (JSON, CSV, traces) keep every digit and do not use this.
public enum NumberText {
    /// Significant digits past which a value's shortest form is taken for binary noise.
    static let noisyDigits = 16
    /// Significant digits a noisy value is shown with.
    static let shownDigits = 12

    public static func display(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let shortest = x.description
        guard significantDigits(shortest) >= noisyDigits else { return shortest }
        // Rounded to 12 digits, then the shortest text of that (so 0.30000000000000004
        // reads 0.3, written as Swift writes 0.3).
        let rounded = Double(String(format: "%.\(shownDigits)g", x)) ?? x
        return rounded.description
    }

    /// Digits of the mantissa, leading zeros not counted (`0.000686` has 3).
    static func significantDigits(_ text: String) -> Int {
        let mantissa = text.split(whereSeparator: { $0 == "e" || $0 == "E" }).first ?? Substring(text)
        let digits = mantissa.filter(\.isNumber)
        return digits.drop(while: { $0 == "0" }).count
    }
}

/// Shapes for people, written one way everywhere, as the language reference writes them:
/// `3x28x28`; a shape with no dimensions is `scalar`.
public enum ShapeText {
    public static func text(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
    }
}
