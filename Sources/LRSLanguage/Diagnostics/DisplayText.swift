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
        return roundedText(shortest) ?? rounded(x).description
    }

    /// What `rounded(x).description` is, read off `shortest` (x's shortest text, with 16 or
    /// more significant digits) without the C library: a report of 3,000 groups of computed
    /// rates spent a tenth of its time in `rounded`. Rounding the shortest text's digits
    /// gives %.12g's digits, since a rounding midpoint (13 digits) between x and its shortest
    /// text would itself read back as x and be the shorter text; and those 12 digits less
    /// trailing zeros are the rounded value's shortest text. nil (take the slow path) for
    /// an exponent, a value of 2^53 or more after rounding (Swift writes those with an
    /// exponent), and a 13th digit 5 with nothing after it (a tie, which %.12g breaks on the
    /// exact binary value).
    static func roundedText(_ shortest: String) -> String? {
        var digits: [UInt8] = []
        digits.reserveCapacity(24)
        var negative = false
        var point = -1
        for byte in shortest.utf8 {
            switch byte {
            case UInt8(ascii: "-"): negative = true
            case UInt8(ascii: "."): point = digits.count
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte - UInt8(ascii: "0"))
            default: return nil
            }
        }
        guard point > 0, let first = digits.firstIndex(where: { $0 != 0 }) else { return nil }
        let cut = first + shownDigits
        guard cut < digits.count else { return nil }
        if digits[cut] == 5, !digits[(cut + 1)...].contains(where: { $0 != 0 }) { return nil }
        let up = digits[cut] >= 5
        digits.removeSubrange(cut...)
        if up {
            var i = cut - 1
            while i >= 0, digits[i] == 9 {
                digits[i] = 0
                i -= 1
            }
            if i >= 0 {
                digits[i] += 1
            } else {
                digits.insert(1, at: 0)
                point += 1
            }
        }
        guard point <= 15 else { return nil }
        while digits.count < point { digits.append(0) }
        var end = digits.count
        while end > point, digits[end - 1] == 0 { end -= 1 }
        var start = 0
        while start < point - 1, digits[start] == 0 { start += 1 }
        var bytes: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        bytes.reserveCapacity(end - start + 3)
        for digit in digits[start..<point] { bytes.append(digit + UInt8(ascii: "0")) }
        bytes.append(UInt8(ascii: "."))
        if end == point { bytes.append(UInt8(ascii: "0")) }
        for digit in digits[point..<end] { bytes.append(digit + UInt8(ascii: "0")) }
        return String(decoding: bytes, as: UTF8.self)
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
