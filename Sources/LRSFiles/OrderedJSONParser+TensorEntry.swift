#if canImport(Glibc)
import Glibc
#endif

/// One tensor's entry of a safetensors header, read in one pass when it is written as every
/// writer writes it: `{"dtype": "F32", "shape": [64, 3], "data_offsets": [0, 768]}`, the
/// three members once each in any order, names and dtype without escapes, a dtype of
/// `SafetensorsDType`, whole numbers that fit an `Int`. No `String` per member name and no
/// array for the offsets: a 10,000-tensor header reads 30,000 names and 10,000 offset pairs.
/// Anything else gives `nil` with the reader where it was, and the general reader (which
/// says what is wrong) reads the entry instead.
///
/// The small readers below are inlined into the loops that call them: called, each reloaded
/// the reader's buffer and position through `self` at every byte (inlined, the 920 KB header
/// of bench/checkpoint.py's case (b) reads in about 2.5 ms instead of 3).
extension OrderedJSONParser {
    /// A header's opening `{`, and its `}` at once if it has no member: whether it closed.
    /// `nil` if the text does not start so.
    mutating func plainOpening() -> Bool? {
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else { return nil }
        position += 1
        skipSpace()
        guard position < bytes.count else { return nil }
        let closed = bytes[position] == UInt8(ascii: "}")
        if closed { position += 1 }
        return closed
    }

    /// One member of a header as writers write it, from the reader's position (white space,
    /// then its name's quote) through the `,` or `}` after it: its name in ASCII without escapes,
    /// and `__metadata__` an object of strings (into `metadata`) or any other member a plain
    /// entry (as `tensorEntry` reads them, into `entry`). `nil` for anything else, and for a
    /// member the text ends in.
    mutating func plainMember(_ shapes: inout ShapeInterner, entry: inout PlainHeaderEntry,
                              metadata: inout [String: String]?) -> PlainHeaderMember? {
        guard let name = plainKey() else { return nil }
        let isMetadata = equal(name, "__metadata__")
        if isMetadata {
            guard let value = try? value(depth: 1), let members = value.members else { return nil }
            var read: [String: String] = [:]
            for (key, item) in members {
                guard let text = item.string else { return nil }
                read[key] = text
            }
            metadata = read
        } else {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "{"),
                  let read = canonicalEntry(&shapes) ?? tensorEntry(shapes: &shapes) else { return nil }
            entry = read
        }
        guard let closed = itemEnded(UInt8(ascii: "}")) else { return nil }
        return PlainHeaderMember(name: name, isMetadata: isMetadata, closed: closed)
    }

    /// At the entry's `{`: an entry exactly as safetensors writes it,
    /// `{"dtype":"F32","shape":[64,3],"data_offsets":[0,768]}` (no white space, the members in
    /// this order), its fixed text compared at once rather than key by key. nil, with the
    /// reader where it was, for any other spelling (which `tensorEntry` then reads).
    @inline(__always)
    private mutating func canonicalEntry(_ shapes: inout ShapeInterner) -> PlainHeaderEntry? {
        let start = position
        guard literal("{\"dtype\":"), let spelling = plainString(), let dtype = self.dtype(spelling),
              literal(",\"shape\":"), plainNaturals(into: &shapes),
              literal(",\"data_offsets\":"), let pair = plainPair(), literal("}") else {
            position = start
            return nil
        }
        return (dtype, shapes.interned(), pair.0, pair.1)
    }

    /// Whether `text` comes next (then read).
    @inline(__always)
    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count, let base = bytes.baseAddress else { return false }
        guard ByteCompare.equal(UnsafeRawPointer(base + position), UnsafeRawPointer(text.utf8Start), count: count) else { return false }
        position += count
        return true
    }

    /// At the entry's `{`.
    /// The shape comes back as its number in `shapes` (a header's thousands of tensors have a
    /// few dozen shapes).
    mutating func tensorEntry(shapes: inout ShapeInterner) -> PlainHeaderEntry? {
        let start = position
        guard let entry = plainTensorEntry(&shapes) else {
            position = start
            return nil
        }
        return entry
    }

    @inline(__always)
    private mutating func plainTensorEntry(_ shapes: inout ShapeInterner) -> PlainHeaderEntry? {
        position += 1
        var dtype: SafetensorsDType?
        var shape: Int32?
        var offsets: (Int, Int)?
        while true {
            guard let key = plainKey() else { return nil }
            if equal(key, "dtype") {
                guard dtype == nil, let value = plainString(), let known = self.dtype(value) else { return nil }
                dtype = known
            } else if equal(key, "shape") {
                guard shape == nil, plainNaturals(into: &shapes) else { return nil }
                shape = shapes.interned()
            } else if equal(key, "data_offsets") {
                guard offsets == nil, let pair = plainPair() else { return nil }
                offsets = pair
            } else {
                return nil
            }
            guard let closed = itemEnded(UInt8(ascii: "}")) else { return nil }
            guard closed else { continue }
            guard let dtype, let shape, let offsets else { return nil }
            return (dtype, shape, offsets.0, offsets.1)
        }
    }

    /// A member's name as `plainString` reads it, and the `:` after it (the reader then at
    /// the value), white space allowed around both.
    @inline(__always)
    private mutating func plainKey() -> Range<Int>? {
        skipSpace()
        guard let name = plainString() else { return nil }
        skipSpace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
        position += 1
        skipSpace()
        return name
    }

    /// The bytes of a string of printable ASCII without escapes (the reader after it): member
    /// names, whose text is then the name (no escape to decode, no UTF-8 to check), and dtypes.
    @inline(__always)
    private mutating func plainString() -> Range<Int>? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\""), let base = bytes.baseAddress else { return nil }
        let start = position + 1
        var i = start
        // Eight bytes at a time while none is a quote, a backslash, a control byte or past
        // ASCII (each tested in all eight lanes at once), then byte by byte.
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
            // A lane that is zero (or below 0x20, or past ASCII) keeps its high bit here; a lane
            // above a zero one may too (a borrow), which only ends the fast loop early.
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | (word &- ones &* 0x20) | word
            guard special & highs == 0 else { break }
            i += 8
        }
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            guard bytes[i] >= 0x20, bytes[i] < 0x80, bytes[i] != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        guard i < bytes.count else { return nil }
        position = i + 1
        return start ..< i
    }

    /// `[N, ...]` of whole numbers that fit an `Int`, into `shape`'s scratch space.
    @inline(__always)
    private mutating func plainNaturals(into shape: inout ShapeInterner) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return false }
        position += 1
        shape.start()
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return true
        }
        while true {
            guard let number = plainNatural() else { return false }
            shape.add(number)
            guard let closed = itemEnded() else { return false }
            if closed { return true }
        }
    }

    /// `[B, E]`: two whole numbers that fit an `Int`, without an array.
    @inline(__always)
    private mutating func plainPair() -> (Int, Int)? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return nil }
        position += 1
        guard let first = plainNatural(), itemEnded() == false,
              let second = plainNatural(), itemEnded() == true else { return nil }
        return (first, second)
    }

    /// A whole number that fits an `Int`, not followed by a fraction or an exponent.
    @inline(__always)
    private mutating func plainNatural() -> Int? {
        skipSpace()
        let start = position
        var number = 0
        // Eighteen digits cannot overflow an `Int`: those without a check, any more with one.
        let unchecked = min(bytes.count, start + 18)
        while position < unchecked, bytes[position] &- UInt8(ascii: "0") < 10 {
            number = number &* 10 &+ Int(bytes[position] &- UInt8(ascii: "0"))
            position += 1
        }
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 {
            let (times, o1) = number.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(bytes[position] &- UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            number = sum
            position += 1
        }
        guard position > start, position < bytes.count,
              bytes[position] != UInt8(ascii: "."), bytes[position] | 0x20 != UInt8(ascii: "e") else { return nil }
        return number
    }

    /// After an item of an array (or a member of an object, `closing` `}`): true at the
    /// closing bracket, false after `,` (either read), nil otherwise.
    @inline(__always)
    private mutating func itemEnded(_ closing: UInt8 = UInt8(ascii: "]")) -> Bool? {
        skipSpace()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ",") {
            position += 1
            return false
        }
        guard bytes[position] == closing else { return nil }
        position += 1
        return true
    }

    /// The dtype spelled by the bytes, if lrs knows it: its spelling (at most four bytes)
    /// packed in a word, compared with each dtype's.
    @inline(__always)
    private func dtype(_ range: Range<Int>) -> SafetensorsDType? {
        guard range.count <= 4 else { return nil }
        let packed = Self.packed(UnsafeBufferPointer(rebasing: bytes[range]))
        for (dtype, spelling) in Self.dtypeSpellings where spelling == packed { return dtype }
        return nil
    }

    /// Up to four bytes and their count, in one word.
    private static func packed<C: Collection<UInt8>>(_ text: C) -> UInt64 {
        text.reduce(UInt64(text.count)) { $0 << 8 | UInt64($1) }
    }

    /// Each dtype's spelling, packed, made once.
    private static let dtypeSpellings = SafetensorsDType.allCases.map { ($0, packed(Array($0.rawValue.utf8))) }

    @inline(__always)
    private func equal(_ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount
            && UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: range.count))
    }
}
