/// One tensor's entry of a safetensors header, read in one pass when it is written as every
/// writer writes it: `{"dtype": "F32", "shape": [64, 3], "data_offsets": [0, 768]}`, the
/// three members once each in any order, names and dtype without escapes, a dtype of
/// `SafetensorsDType`, whole numbers that fit an `Int`. No `String` per member name and no
/// array for the offsets: a 10,000-tensor header reads 30,000 names and 10,000 offset pairs.
/// Anything else gives `nil` with the reader where it was, and the general reader (which
/// says what is wrong) reads the entry instead.
extension OrderedJSONParser {
    /// At the entry's `{`.
    /// `shapes` hands out one array per distinct shape: a header's thousands of tensors
    /// have a few dozen shapes.
    mutating func tensorEntry(shapes: inout ShapeInterner) -> (dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int)? {
        let start = position
        guard let entry = plainTensorEntry(&shapes) else {
            position = start
            return nil
        }
        return entry
    }

    private mutating func plainTensorEntry(_ shapes: inout ShapeInterner) -> (dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int)? {
        position += 1
        var dtype: SafetensorsDType?
        var shape: [Int]?
        var offsets: (Int, Int)?
        while true {
            skipSpace()
            guard let key = plainString() else { return nil }
            skipSpace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { return nil }
            position += 1
            skipSpace()
            if equal(key, "dtype") {
                guard dtype == nil, let value = plainString(), let known = self.dtype(value) else { return nil }
                dtype = known
            } else if equal(key, "shape") {
                guard shape == nil, plainNaturals(into: &shapes.scratch) else { return nil }
                shape = shapes.interned()
            } else if equal(key, "data_offsets") {
                guard offsets == nil, let pair = plainPair() else { return nil }
                offsets = pair
            } else {
                return nil
            }
            skipSpace()
            guard position < bytes.count else { return nil }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { return nil }
            position += 1
            guard let dtype, let shape, let offsets else { return nil }
            return (dtype, shape, offsets.0, offsets.1)
        }
    }

    /// The bytes of a string without escapes or control characters (the reader after it).
    private mutating func plainString() -> Range<Int>? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var i = start
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            guard bytes[i] >= 0x20, bytes[i] != UInt8(ascii: "\\") else { return nil }
            i += 1
        }
        guard i < bytes.count else { return nil }
        position = i + 1
        return start ..< i
    }

    /// `[N, ...]` of whole numbers that fit an `Int`, into `items`.
    private mutating func plainNaturals(into items: inout [Int]) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return false }
        position += 1
        items.removeAll(keepingCapacity: true)
        skipSpace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return true
        }
        while true {
            guard let number = plainNatural() else { return false }
            items.append(number)
            guard let closed = itemEnded() else { return false }
            if closed { return true }
        }
    }

    /// `[B, E]`: two whole numbers that fit an `Int`, without an array.
    private mutating func plainPair() -> (Int, Int)? {
        guard position < bytes.count, bytes[position] == UInt8(ascii: "[") else { return nil }
        position += 1
        guard let first = plainNatural(), itemEnded() == false,
              let second = plainNatural(), itemEnded() == true else { return nil }
        return (first, second)
    }

    /// A whole number that fits an `Int`, not followed by a fraction or an exponent.
    private mutating func plainNatural() -> Int? {
        skipSpace()
        let start = position
        var number = 0
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

    /// After an array's item: true at `]`, false after `,` (either read), nil otherwise.
    private mutating func itemEnded() -> Bool? {
        skipSpace()
        guard position < bytes.count else { return nil }
        if bytes[position] == UInt8(ascii: ",") {
            position += 1
            return false
        }
        guard bytes[position] == UInt8(ascii: "]") else { return nil }
        position += 1
        return true
    }

    /// The dtype spelled by the bytes, if lrs knows it: its spelling (at most four bytes)
    /// packed in a word, compared with each dtype's.
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

    private func equal(_ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount
            && UnsafeBufferPointer(rebasing: bytes[range]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: range.count))
    }
}
