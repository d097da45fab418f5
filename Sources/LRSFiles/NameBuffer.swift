/// Names as their UTF-8 bytes one after another in one buffer, with where each ends: a
/// checkpoint's ten thousand names are two allocations, not ten thousand `String`s.
public struct NameBuffer: Sendable {
    private var bytes: [UInt8] = []
    /// Name `i` ends at `ends[i]`. 32 bits: names come from headers capped at
    /// `SafetensorsHeader.maxHeaderBytes`, and a script's models are smaller still.
    private var ends: [Int32] = []
    /// Whether every name is ASCII (then a name's bytes are its characters).
    public private(set) var isASCII = true

    public init() {}

    public init(capacity: Int, bytes: Int) {
        self.bytes.reserveCapacity(bytes)
        ends.reserveCapacity(capacity)
    }

    /// The buffer of `names`.
    public init<Names: Collection<String>>(_ names: Names) {
        self.init(capacity: names.count, bytes: names.reduce(0) { $0 + $1.utf8.count })
        for name in names { append(name) }
    }

    public var count: Int { ends.count }

    public mutating func append(_ name: UnsafeBufferPointer<UInt8>) {
        if isASCII { isASCII = Self.isASCII(name) }
        bytes.append(contentsOf: name)
        ends.append(Int32(truncatingIfNeeded: bytes.count))
    }

    public mutating func append(_ name: String) {
        var name = name
        name.withUTF8 { append($0) }
    }

    /// Whether no byte is past ASCII: eight at a time.
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var high: UInt64 = 0, i = 0
        if let base = bytes.baseAddress {
            while i + 8 <= bytes.count {
                high |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
                i += 8
            }
        }
        while i < bytes.count {
            high |= UInt64(bytes[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Name `i` as a `String`.
    public func name(_ i: Int) -> String {
        withView { String(decoding: $0[i], as: UTF8.self) }
    }

    /// Calls `body` with a view of the names' bytes, each read where it lies.
    public func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in try body(View(bytes: bytes, ends: ends, isASCII: isASCII)) }
        }
    }

    /// The names' bytes, valid inside `withView` only.
    public struct View {
        // Inlinable reads (`start`, the subscript): every selector and report reads them per name.
        @usableFromInline let bytes: UnsafeBufferPointer<UInt8>
        @usableFromInline let ends: UnsafeBufferPointer<Int32>
        /// Whether every name is ASCII.
        public let isASCII: Bool

        public var count: Int { ends.count }

        /// Every name's bytes, one after another.
        public var all: UnsafeBufferPointer<UInt8> { bytes }

        /// Where name `i` starts in `all`.
        @inlinable @inline(__always)
        public func start(_ i: Int) -> Int { i == 0 ? 0 : Int(ends[i - 1]) }

        /// Whether two of the names are equal, `hashes` being their `ByteHash`es: only names
        /// of one hash are compared, in a table of name numbers (32 bits a slot, no copy of a
        /// name or its range).
        func hasTwoEqual(hashes: UnsafeBufferPointer<UInt64>) -> Bool {
            var size = 16
            while size < 2 * hashes.count { size *= 2 }
            let mask = size - 1
            // Per slot: a name's number + 1, or 0.
            var slots = [Int32](repeating: 0, count: size)
            return slots.withUnsafeMutableBufferPointer { slots in
                for i in hashes.indices {
                    let h = hashes[i], name = self[i]
                    var slot = Int(truncatingIfNeeded: h) & mask
                    while slots[slot] != 0 {
                        let other = Int(slots[slot]) - 1, known = self[other]
                        if hashes[other] == h, known.count == name.count, ByteCompare.equal(known, 0, name, 0, count: name.count) {
                            return true
                        }
                        slot = (slot + 1) & mask
                    }
                    slots[slot] = Int32(truncatingIfNeeded: i + 1)
                }
                return false
            }
        }

        /// Name `i`'s UTF-8 bytes.
        @inlinable @inline(__always)
        public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[start(i) ..< Int(ends[i])])
        }
    }
}
