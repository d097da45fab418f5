/// The names an object has named so far, for its duplicate check. An entry of a header names
/// three members, compared in place; a header names thousands of tensors, nearly always in
/// plain ASCII (no escapes), which are hashed and compared as the bytes of the text, with no
/// `String` hashed. The first name that is not plain turns the check into a set of `String`s,
/// whose equality (canonical equivalence) is the one JSON names are compared by here.
struct MemberNames {
    /// Up to this many names are compared one by one.
    private static let few = 8

    private var names: [String] = []
    /// Where each of `names` lies in the text, while all of them are plain.
    private var ranges: [ByteSpan] = []
    private var allPlain = true
    private var table: PlainNameTable?
    private var set: Set<String>?

    init() {}

    /// Whether `key` is new; adds it. `raw` is where its text lies (between the quotes) in
    /// `bytes`, which holds what is still to be read after it (for sizing the table).
    mutating func insert(_ key: String, raw: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if set != nil { return set?.insert(key).inserted ?? true }
        // No escape (the text is as long as the name) and ASCII: the text is the name.
        let plain = raw.count == key.utf8.count && UnsafeBufferPointer(rebasing: bytes[raw]).allSatisfy { $0 < 0x80 }
        if table != nil {
            if plain { return table?.insert(raw, in: bytes) ?? true }
            // Names from here on are compared as `String`s: the plain ones too.
            var strings = Set<String>(minimumCapacity: 2 * (table?.count ?? 0))
            for span in table?.spans ?? [] {
                strings.insert(String(decoding: UnsafeBufferPointer(rebasing: bytes[span.range]), as: UTF8.self))
            }
            table = nil
            let isNew = strings.insert(key).inserted
            set = strings
            return isNew
        }
        guard !names.contains(key) else { return false }
        names.append(key)
        ranges.append(ByteSpan(raw))
        allPlain = allPlain && plain
        guard names.count > Self.few else { return true }
        // A large object: about one member per 64 bytes of the text still to come (a header's
        // entry takes about 100), so the table is not rebuilt as it grows.
        let expected = names.count + (bytes.count - raw.upperBound) / 64
        if allPlain {
            var made = PlainNameTable(capacity: expected)
            for span in ranges { _ = made.insert(span.range, in: bytes) }
            table = made
        } else {
            var strings = Set<String>(minimumCapacity: expected)
            for name in names { strings.insert(name) }
            set = strings
        }
        names = []
        ranges = []
        return true
    }
}

/// Names as ranges of one buffer of bytes, in an open-addressing table hashed by their bytes
/// (`ByteHash`), each numbered in order of insertion: a header's names for their duplicate
/// check, a checkpoint's modules for their numbers. No `String` is made or hashed.
public struct PlainNameTable: Sendable {
    /// Positions in `spans`, or -1: 32 bits, so that the table of a large header stays
    /// in cache.
    private var slots: [Int32]
    private var mask: Int
    private(set) var spans: [ByteSpan] = []
    private var hashes: [UInt64] = []

    public var count: Int { spans.count }

    public init(capacity: Int) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        spans.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    /// Whether the name at `range` is new; adds it.
    mutating func insert(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        number(of: range, hash: ByteHash.of(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[range])), in: bytes).isNew
    }

    /// The number of the name at `range` of `bytes`, whose `ByteHash` is `h`: the number of the
    /// equal name inserted before, or a new one (`isNew`), the name then added.
    public mutating func number(of range: Range<Int>, hash h: UInt64, in bytes: UnsafeBufferPointer<UInt8>) -> (number: Int, isNew: Bool) {
        let mask = mask, count = spans.count
        let found: (slot: Int, known: Int?) = slots.withUnsafeBufferPointer { slots in
            spans.withUnsafeBufferPointer { spans in
                hashes.withUnsafeBufferPointer { hashes in
                    var slot = Int(truncatingIfNeeded: h & UInt64(mask))
                    while slots[slot] >= 0 {
                        let other = Int(slots[slot])
                        if hashes[other] == h, spans[other].count == range.count,
                           ByteCompare.equal(bytes, spans[other].start, bytes, range.lowerBound, count: range.count) {
                            return (slot, other)
                        }
                        slot = (slot + 1) & mask
                    }
                    return (slot, nil)
                }
            }
        }
        if let known = found.known { return (known, false) }
        slots[found.slot] = Int32(count)
        spans.append(ByteSpan(range))
        hashes.append(h)
        if 2 * spans.count > slots.count { grow() }
        return (count, true)
    }

    private mutating func grow() {
        let size = 2 * slots.count
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (index, h) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: h & UInt64(mask))
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }
}
