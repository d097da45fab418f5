/// A JSON value whose objects keep their members in the order of the text. Safetensors
/// headers and Hugging Face's `model.safetensors.index.json` are JSON objects whose member
/// order is the checkpoint's tensor order, which reports keep; Foundation's
/// `JSONSerialization` loses it, and silently keeps one of two members with the same name,
/// which in a checkpoint is a corrupt file. Numbers stay text: sizes and offsets are read as
/// integers with overflow checked, never through a Double.
public enum OrderedJSON: Sendable {
    case object([(key: String, value: OrderedJSON)])
    case array([OrderedJSON])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Why a text is not JSON: the byte offset and what was wrong there.
    public struct SyntaxError: Error, Sendable, Equatable {
        public let offset: Int
        public let reason: String
        /// The name an object holds twice, when that is what is wrong.
        public var duplicateName: String? = nil
    }

    /// Deeper nesting than this is refused: no checkpoint header nests more than three
    /// levels, and the parser recurses once per level.
    static let maxDepth = 64

    /// Parses `bytes` as one JSON value (surrounding white space allowed). Strings must be
    /// valid UTF-8; an object with two members of the same name is an error naming it.
    public static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> OrderedJSON {
        try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> OrderedJSON in
            var parser = OrderedJSONParser(bytes: buffer)
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.position == buffer.count else { throw parser.error("text after the JSON value") }
            return value
        }
    }

    /// Reads `bytes` as one JSON object and hands each member's name to `visit` in the
    /// text's order, with the reader at the member's value, which `visit` must read: a
    /// header's thousands of tensors are read straight into their entries, not built as
    /// values first. A name twice is an error. False when the text is not an object.
    static func forEachMember(of bytes: [UInt8],
                              _ visit: (String, inout OrderedJSONParser) throws(SyntaxError) -> Void)
        throws(SyntaxError) -> Bool {
        try bytes.withUnsafeBufferPointer { (buffer) throws(SyntaxError) -> Bool in
            var parser = OrderedJSONParser(bytes: buffer)
            parser.skipSpace()
            guard parser.position < buffer.count, buffer[parser.position] == UInt8(ascii: "{") else {
                _ = try parser.value(depth: 0)
                return false
            }
            try parser.members(depth: 0) { (key, parser) throws(SyntaxError) in try visit(key, &parser) }
            parser.skipSpace()
            guard parser.position == buffer.count else { throw parser.error("text after the JSON value") }
            return true
        }
    }

    /// The members of an object, else `nil`.
    public var members: [(key: String, value: OrderedJSON)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A member of an object by name (a linear search: objects here are small).
    public subscript(key: String) -> OrderedJSON? {
        members?.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var array: [OrderedJSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A number written as a whole number that fits an `Int` (no fraction, no exponent).
    public var integer: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }
}

/// The recursive-descent reader behind `OrderedJSON.parse`, over the bytes in place.
struct OrderedJSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    func error(_ reason: String) -> OrderedJSON.SyntaxError {
        OrderedJSON.SyntaxError(offset: position, reason: reason)
    }

    @inline(__always)
    mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    mutating func value(depth: Int) throws(OrderedJSON.SyntaxError) -> OrderedJSON {
        guard depth < OrderedJSON.maxDepth else { throw error("nesting deeper than \(OrderedJSON.maxDepth) levels") }
        skipSpace()
        guard position < bytes.count else { throw error("unexpected end of the text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return try number()
        default: throw error("unexpected character")
        }
    }

    mutating func object(depth: Int) throws(OrderedJSON.SyntaxError) -> OrderedJSON {
        var members: [(key: String, value: OrderedJSON)] = []
        try self.members(depth: depth) { (key, parser) throws(OrderedJSON.SyntaxError) in
            members.append((key: key, value: try parser.value(depth: depth + 1)))
        }
        return .object(members)
    }

    /// An object's members, each name handed to `visit` with the reader at its value.
    mutating func members(depth: Int, _ visit: (String, inout OrderedJSONParser) throws(OrderedJSON.SyntaxError) -> Void)
        throws(OrderedJSON.SyntaxError) {
        position += 1
        var names = MemberNames()
        if closesAtOnce(UInt8(ascii: "}")) { return }
        while true {
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let keyStart = position
            let key = try string()
            let isNew = names.insert(key, raw: keyStart + 1 ..< position - 1, in: bytes)
            guard isNew else {
                position = keyStart
                var duplicate = error("the name '\(key)' appears twice")
                duplicate.duplicateName = key
                throw duplicate
            }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            guard depth + 1 < OrderedJSON.maxDepth else { throw error("nesting deeper than \(OrderedJSON.maxDepth) levels") }
            try visit(key, &self)
            if try itemEnds(UInt8(ascii: "}")) { return }
        }
    }

    /// An array of whole numbers from 0 that fit an `Int`, read from the bytes without a
    /// string per number; `nil` (the value read all the same) when it is anything else.
    mutating func naturals(depth: Int) throws(OrderedJSON.SyntaxError) -> [Int]? {
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else {
            _ = try value(depth: depth)
            return nil
        }
        position += 1
        var items: [Int] = []
        var valid = true
        if closesAtOnce(UInt8(ascii: "]")) { return items }
        while true {
            skipSpace()
            let start = position
            var number = 0
            var fits = true
            while position < bytes.count, (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(bytes[position]) {
                let (times, o1) = number.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
                if o1 || o2 { fits = false }
                number = sum
                position += 1
            }
            let fraction = position < bytes.count && (bytes[position] == UInt8(ascii: ".") || bytes[position] | 0x20 == UInt8(ascii: "e"))
            if position == start || fraction {
                // Not a plain whole number (a sign, a fraction, another value): read it as JSON.
                position = start
                _ = try value(depth: depth + 1)
                valid = false
            } else if fits {
                items.append(number)
            } else {
                valid = false
            }
            if try itemEnds(UInt8(ascii: "]")) { return valid ? items : nil }
        }
    }

    /// A string, or `nil` (the value read all the same) when it is another value.
    mutating func stringValue(depth: Int) throws(OrderedJSON.SyntaxError) -> String? {
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") { return try string() }
        _ = try value(depth: depth)
        return nil
    }

    mutating func array(depth: Int) throws(OrderedJSON.SyntaxError) -> OrderedJSON {
        position += 1
        var items: [OrderedJSON] = []
        if closesAtOnce(UInt8(ascii: "]")) { return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            if try itemEnds(UInt8(ascii: "]")) { return .array(items) }
        }
    }

    /// Whether the container just opened is empty: its closing bracket (then consumed) comes
    /// first.
    mutating func closesAtOnce(_ closing: UInt8) -> Bool {
        skipSpace()
        guard position < bytes.count, bytes[position] == closing else { return false }
        position += 1
        return true
    }

    /// After an item of an array or object: true at the closing bracket, false after a comma
    /// (either consumed); anything else is an error.
    mutating func itemEnds(_ closing: UInt8) throws(OrderedJSON.SyntaxError) -> Bool {
        skipSpace()
        guard position < bytes.count else { throw error("unexpected end of the text") }
        if bytes[position] == UInt8(ascii: ",") {
            position += 1
            return false
        }
        guard bytes[position] == closing else { throw error("expected ',' or '\(Character(Unicode.Scalar(closing)))'") }
        position += 1
        return true
    }

    mutating func literal(_ word: String, _ value: OrderedJSON) throws(OrderedJSON.SyntaxError) -> OrderedJSON {
        for byte in word.utf8 {
            guard position < bytes.count, bytes[position] == byte else { throw error("unexpected character") }
            position += 1
        }
        return value
    }

    /// A number as its text, checked against JSON's grammar.
    mutating func number() throws(OrderedJSON.SyntaxError) -> OrderedJSON {
        let start = position
        func digits(_ parser: inout OrderedJSONParser) -> Int {
            let from = parser.position
            while parser.position < parser.bytes.count,
                  (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains(parser.bytes[parser.position]) { parser.position += 1 }
            return parser.position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard digits(&self) > 0 else { throw error("expected a digit") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits(&self) > 0 else { throw error("expected a digit") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits(&self) > 0 else { throw error("expected a digit") }
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< position]), as: UTF8.self))
    }

    /// A string, escapes decoded. Bytes other than escapes are copied as they are, then
    /// validated as UTF-8 once.
    mutating func string() throws(OrderedJSON.SyntaxError) -> String {
        position += 1
        let start = position
        // The common case, no escapes: one validation of the bytes in place.
        while position < bytes.count, bytes[position] != UInt8(ascii: "\""), bytes[position] != UInt8(ascii: "\\") {
            guard bytes[position] >= 0x20 else { throw error("a control character in a string") }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string") }
        if bytes[position] == UInt8(ascii: "\"") {
            let text = try utf8(UnsafeBufferPointer(rebasing: bytes[start ..< position]), at: start)
            position += 1
            return text
        }
        var out = Array(bytes[start ..< position])
        while true {
            guard position < bytes.count else { throw error("unterminated string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return try out.withUnsafeBufferPointer { (buffer) throws(OrderedJSON.SyntaxError) -> String in
                    try utf8(buffer, at: start)
                }
            }
            guard byte >= 0x20 else { throw error("a control character in a string") }
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { throw error("unterminated string") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800 ..< 0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                          bytes[position + 1] == UInt8(ascii: "u") else { throw error("a lone surrogate in a string") }
                    position += 2
                    let low = try hex4()
                    guard (0xDC00 ..< 0xE000).contains(low) else { throw error("a lone surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("a lone surrogate in a string") }
                out.append(contentsOf: Array(String(Character(unicode)).utf8))
            default:
                throw error("an unknown escape in a string")
            }
        }
    }

    mutating func hex4() throws(OrderedJSON.SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("unterminated string") }
        var value: UInt32 = 0
        for _ in 0 ..< 4 {
            let byte = bytes[position] | 0x20
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            default: throw error("a bad \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    func utf8(_ buffer: UnsafeBufferPointer<UInt8>, at offset: Int) throws(OrderedJSON.SyntaxError) -> String {
        // Tensor names are nearly always ASCII, which needs no validation.
        if buffer.allSatisfy({ $0 < 0x80 }) { return String(decoding: buffer, as: UTF8.self) }
        guard let text = String(validating: buffer, as: UTF8.self) else {
            throw OrderedJSON.SyntaxError(offset: offset, reason: "a string that is not valid UTF-8")
        }
        return text
    }
}
