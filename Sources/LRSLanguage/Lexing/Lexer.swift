/// Turns a source file's bytes into tokens.
///
/// Works on bytes, never traps: any byte sequence becomes tokens plus located diagnostics
/// (invalid UTF-8, NUL bytes, stray characters, unterminated strings, numbers that
/// overflow). Newlines inside `( )` and `[ ]` are dropped, as the contract says; inside
/// `< >` the parser treats them as layer separators.
public struct Lexer {
    private let bytes: [UInt8]
    /// `Lexer.powersOfTen`, held here: a static would be looked up (and retained) per number.
    private let powersOfTen = Lexer.powersOfTen
    private var position = 0
    private var bracketDepth = 0
    private var tokens: [Token] = []
    private var diagnostics: [Diagnostic] = []

    /// A lexer of `source` from byte `offset` on (the start of a line): the REPL lexes what
    /// was added to its script, not the whole script again.
    public init(_ source: SourceFile, from offset: Int = 0) {
        self.bytes = source.bytes
        self.position = Swift.max(0, Swift.min(offset, source.bytes.count))
    }

    /// All tokens from `offset` on (ending with `.endOfFile`) and the lexical diagnostics.
    public static func tokenize(_ source: SourceFile, from offset: Int = 0) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source, from: offset)
        lexer.run()
        return (lexer.tokens, lexer.diagnostics)
    }

    private mutating func run() {
        let first = position
        tokens.reserveCapacity((bytes.count - position) / 3 + 1)
        while position < bytes.count {
            scanToken()
        }
        // End of file is reported at the end of the last token, not on an empty last line.
        let end = tokens.last { $0.kind != .newline }?.range.end ?? first
        tokens.append(Token(kind: .endOfFile, range: .at(end)))
    }

    /// The bytes `start..<end` as text, read through a buffer pointer: an array slice
    /// would retain and release the array for every identifier.
    private func text(from start: Int, to end: Int) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]), as: UTF8.self) }
    }

    @inline(__always) private func peek(_ ahead: Int = 0) -> UInt8? {
        let index = position + ahead
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func add(_ kind: Token.Kind, from start: Int, text: String = "", value: Double = 0) {
        tokens.append(Token(kind: kind, range: SourceRange(start: start, end: position), text: text, value: value))
    }

    private mutating func scanToken() {
        let start = position
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: " "), UInt8(ascii: "\t"):
            // The whole run: one call per blank would cost more than the blank.
            position += 1
            while let next = peek(), next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") {
                position += 1
            }
        case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            // A line ends with LF, CRLF (one break) or a lone CR (old Mac files).
            position += byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n") ? 2 : 1
            if bracketDepth == 0 { add(.newline, from: start) }
        case UInt8(ascii: "#"):
            skipComment()
        case UInt8(ascii: "\""):
            scanString()
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            scanNumber()
        case UInt8(ascii: "."):
            if let next = peek(1), isDigit(next) { scanNumber() } else { single(.dot) }
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            while let next = peek(), isIdentifierByte(next) { position += 1 }
            add(.identifier, from: start, text: text(from: start, to: position))
        case UInt8(ascii: ";"): single(.semicolon)
        case UInt8(ascii: ","): single(.comma)
        case UInt8(ascii: ":"): single(.colon)
        case UInt8(ascii: "+"): single(.plus)
        case UInt8(ascii: "-"): single(.minus)
        case UInt8(ascii: "*"): single(.star)
        case UInt8(ascii: "/"): single(.slash)
        case UInt8(ascii: "%"): single(.percent)
        case UInt8(ascii: "^"): single(.caret)
        case UInt8(ascii: "("):
            bracketDepth += 1
            single(.leftParen)
        case UInt8(ascii: ")"):
            bracketDepth = Swift.max(0, bracketDepth - 1)
            single(.rightParen)
        case UInt8(ascii: "["):
            bracketDepth += 1
            single(.leftBracket)
        case UInt8(ascii: "]"):
            bracketDepth = Swift.max(0, bracketDepth - 1)
            single(.rightBracket)
        case UInt8(ascii: "<"): pair(UInt8(ascii: "="), .lessEqual, else: .less)
        case UInt8(ascii: ">"): pair(UInt8(ascii: "="), .greaterEqual, else: .greater)
        case UInt8(ascii: "="): pair(UInt8(ascii: "="), .equalEqual, else: .equals)
        case UInt8(ascii: "!"):
            if peek(1) == UInt8(ascii: "=") {
                position += 2
                add(.bangEqual, from: start)
            } else {
                position += 1
                report(.unexpectedCharacter("!"), from: start)
                add(.invalid, from: start)
            }
        default:
            scanInvalid()
        }
    }

    @inline(__always) private mutating func single(_ kind: Token.Kind) {
        position += 1
        add(kind, from: position - 1)
    }

    private mutating func pair(_ second: UInt8, _ kind: Token.Kind, else single: Token.Kind) {
        if peek(1) == second {
            position += 2
            add(kind, from: position - 2)
        } else {
            self.single(single)
        }
    }

    /// `#` to the end of the line; the bytes must still be UTF-8.
    private mutating func skipComment() {
        while let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") {
            if byte < 0x80 {
                if byte == 0 { report(.nulByte, from: position, length: 1) }
                position += 1
            } else {
                consumeNonASCII()
            }
        }
    }

    /// string := '"' { char | '\"' | '\\' } '"'
    private mutating func scanString() {
        let start = position
        position += 1
        var content: [UInt8] = []
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r") else {
                report(.unterminatedString, from: start)
                add(.string, from: start, text: String(decoding: content, as: UTF8.self))
                return
            }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                add(.string, from: start, text: String(decoding: content, as: UTF8.self))
                return
            case UInt8(ascii: "\\"):
                if let next = peek(1), next == UInt8(ascii: "\"") || next == UInt8(ascii: "\\") {
                    content.append(next)
                    position += 2
                } else {
                    let escape = peek(1).map { String(decoding: [$0], as: UTF8.self) } ?? ""
                    report(.invalidEscape(escape), from: position, length: 2)
                    position += 1
                }
            case 0:
                report(.nulByte, from: position, length: 1)
                position += 1
            case 0x80...:
                let from = position
                consumeNonASCII()
                content.append(contentsOf: bytes[from..<position])
            default:
                content.append(byte)
                position += 1
            }
        }
    }

    /// number := digits ['.' digits] [('e'|'E') ['+'|'-'] digits] | '.' digits [exponent]
    private mutating func scanNumber() {
        let start = position
        while let byte = peek(), isDigit(byte) { position += 1 }
        if peek() == UInt8(ascii: "_"), let next = peek(1), isDigit(next) || next == UInt8(ascii: "_") {
            scanSeparatedNumber(from: start)
            return
        }
        if peek() == UInt8(ascii: "."), let next = peek(1), isDigit(next) {
            position += 1
            while let byte = peek(), isDigit(byte) { position += 1 }
        }
        if let e = peek(), e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            var ahead = 1
            if let sign = peek(1), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { ahead = 2 }
            if let digit = peek(ahead), isDigit(digit) {
                position += ahead
                while let byte = peek(), isDigit(byte) { position += 1 }
            } else {
                position += ahead
                while let byte = peek(), isIdentifierByte(byte) { position += 1 }
                report(.malformedNumber(text(from: start, to: position)), from: start)
                add(.number, from: start, value: .nan)
                return
            }
        }
        if let value = exactValue(from: start, to: position) {
            add(.number, from: start, value: value)
            return
        }
        let text = text(from: start, to: position)
        let value = Double(text) ?? .infinity
        if !value.isFinite { report(.numberTooLarge(text), from: start) }
        add(.number, from: start, value: value)
    }

    /// `1_000` (as Python and Swift write it): not the language's, so an error that shows
    /// the number without separators; the token carries that value so checking goes on.
    private mutating func scanSeparatedNumber(from start: Int) {
        while let byte = peek(), isDigit(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
            position += 1
        }
        let written = text(from: start, to: position)
        let plain = written.filter { $0 != "_" }
        report(.digitSeparator(written, plain: plain), from: start)
        add(.number, from: start, value: Double(plain) ?? .nan)
    }

    /// Clinger's fast path: a decimal with at most 15 significant digits and a power of ten
    /// within 10^±22 is one correctly rounded multiplication or division, so most literals
    /// skip building a String for `strtod`. `nil` means use the slow path.
    private func exactValue(from start: Int, to end: Int) -> Double? {
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var index = start
        var seenDot = false
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                seenDot = true
            } else if isDigit(byte) {
                if mantissa == 0 && byte == UInt8(ascii: "0") {
                    if seenDot { exponent -= 1 }
                } else {
                    digits += 1
                    if digits > 15 { return nil }
                    mantissa = mantissa * 10 + UInt64(byte - UInt8(ascii: "0"))
                    if seenDot { exponent -= 1 }
                }
            } else {
                break
            }
            index += 1
        }
        if index < end {
            // exponent part: e[+-]digits
            index += 1
            var negative = false
            if index < end, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var value = 0
            while index < end {
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                if value > 400 { return nil }
                index += 1
            }
            exponent += negative ? -value : value
        }
        if mantissa == 0 { return 0 }
        guard exponent >= -22, exponent <= 22 else { return nil }
        let scale = powersOfTen[Swift.abs(exponent)]
        return exponent < 0 ? Double(mantissa) / scale : Double(mantissa) * scale
    }

    private static let powersOfTen: [Double] = (0...22).map { k in
        var x = 1.0
        for _ in 0..<k { x *= 10 }
        return x
    }

    /// A byte that starts no token: reported once for a run of them.
    private mutating func scanInvalid() {
        let start = position
        let byte = bytes[position]
        if byte == 0 {
            position += 1
            report(.nulByte, from: start)
        } else if byte >= 0x80 {
            if let length = validUTF8Length(at: position) {
                let character = String(decoding: bytes[position..<position + length], as: UTF8.self)
                position += length
                report(.unexpectedCharacter(character), from: start)
            } else {
                position += 1
                report(.invalidUTF8(byte), from: start)
            }
        } else {
            position += 1
            report(.unexpectedCharacter(String(decoding: [byte], as: UTF8.self)), from: start)
        }
        add(.invalid, from: start)
    }

    /// Skips one UTF-8 sequence, or reports one invalid byte and skips it.
    private mutating func consumeNonASCII() {
        if let length = validUTF8Length(at: position) {
            position += length
        } else {
            report(.invalidUTF8(bytes[position]), from: position, length: 1)
            position += 1
        }
    }

    /// Length of the well-formed UTF-8 sequence starting at `index` (RFC 3629), if any.
    private func validUTF8Length(at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for k in 1..<length {
            let byte = bytes[index + k]
            let (lo, hi) = k == 1 ? (low, high) : (UInt8(0x80), UInt8(0xBF))
            if byte < lo || byte > hi { return nil }
        }
        return length
    }

    private mutating func report(_ condition: DiagnosticCondition, from start: Int, length: Int? = nil) {
        let end = Swift.min(length.map { start + $0 } ?? position, bytes.count)
        diagnostics.append(.error(condition, at: SourceRange(start: start, end: end)))
    }

    @inline(__always) private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    @inline(__always) private func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }
}
