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
    static let roundingFormat = "%.\(shownDigits)g"

    public static func display(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        let shortest = x.description
        guard significantDigits(shortest) >= noisyDigits else { return shortest }
        // Rounded to 12 digits, then the shortest text of that (so 0.30000000000000004
        // reads 0.3, written as Swift writes 0.3).
        return rounded(x).description
    }

    /// `x` rounded to `shownDigits` significant digits, as C's `%.12g` rounds it (through
    /// the C library directly: Foundation's String(format:) cost a report of 3,000 groups
    /// a tenth of its time).
    static func rounded(_ x: Double) -> Double {
        var buffer = [CChar](repeating: 0, count: 40)
        let written = buffer.withUnsafeMutableBufferPointer { out in
            withVaList([x]) { vsnprintf(out.baseAddress, out.count, roundingFormat, $0) }
        }
        guard written > 0, written < buffer.count else { return x }
        return buffer.withUnsafeBufferPointer { text in text.baseAddress.map { strtod($0, nil) } ?? x }
    }

    /// Digits of the mantissa, leading zeros not counted (`0.000686` has 3). Reads the
    /// ASCII bytes Swift writes numbers with: reports call this once per value shown.
    static func significantDigits(_ text: String) -> Int {
        var count = 0
        var leading = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { continue }
            if leading && byte == UInt8(ascii: "0") { continue }
            leading = false
            count += 1
        }
        return count
    }
}
