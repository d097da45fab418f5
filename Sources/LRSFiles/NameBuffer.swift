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
        if isASCII { isASCII = name.utf8.allSatisfy { $0 < 0x80 } }
        bytes.append(contentsOf: name.utf8)
        ends.append(Int32(truncatingIfNeeded: bytes.count))
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
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<Int32>
        /// Whether every name is ASCII.
        public let isASCII: Bool

        public var count: Int { ends.count }

        /// Every name's bytes, one after another.
        public var all: UnsafeBufferPointer<UInt8> { bytes }

        /// Where name `i` starts in `all`.
        @inline(__always)
        public func start(_ i: Int) -> Int { i == 0 ? 0 : Int(ends[i - 1]) }

        /// Where name `i` is in `all`.
        @inline(__always)
        public func range(_ i: Int) -> Range<Int> { start(i) ..< Int(ends[i]) }

        /// Name `i`'s UTF-8 bytes.
        @inline(__always)
        public subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            UnsafeBufferPointer(rebasing: bytes[start(i) ..< Int(ends[i])])
        }
    }
}
