/// A checkpoint's tensors as columns: every name's bytes in one buffer, and a dtype, shape and
/// byte range per tensor. A 10,000-tensor header is read into a few arrays, not ten thousand
/// `String`s and entries; a name is made a `String` only when asked for one (a report's rows,
/// a diagnostic), and the checker, the groups and the report read the bytes where they lie.
public struct TensorTable: Sendable {
    public private(set) var names = NameBuffer()
    public private(set) var dtypes: [SafetensorsDType] = []
    /// One array per distinct shape, shared by the tensors that have it.
    public private(set) var shapes: [[Int]] = []
    /// Each tensor's bytes in its file's data section.
    public private(set) var begins: [Int] = []
    public private(set) var ends: [Int] = []

    public init() {}

    /// Room for `tensors` tensors whose names take about `nameBytes` bytes.
    init(capacity tensors: Int, nameBytes: Int) {
        names = NameBuffer(capacity: tensors, bytes: nameBytes)
        dtypes.reserveCapacity(tensors)
        shapes.reserveCapacity(tensors)
        begins.reserveCapacity(tensors)
        ends.reserveCapacity(tensors)
    }

    public var count: Int { names.count }

    /// Adds a tensor whose name is `name`'s bytes.
    mutating func append(name: UnsafeBufferPointer<UInt8>, dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int) {
        names.append(name)
        appendColumns(dtype: dtype, shape: shape, begin: begin, end: end)
    }

    mutating func append(_ entry: SafetensorsHeader.Entry) {
        names.append(entry.name)
        appendColumns(dtype: entry.dtype, shape: entry.shape, begin: entry.begin, end: entry.end)
    }

    /// Adds tensor `i` of `other`.
    mutating func append(_ i: Int, of other: TensorTable) {
        other.withNames { names.append($0[i]) }
        appendColumns(dtype: other.dtypes[i], shape: other.shapes[i], begin: other.begins[i], end: other.ends[i])
    }

    private mutating func appendColumns(dtype: SafetensorsDType, shape: [Int], begin: Int, end: Int) {
        dtypes.append(dtype)
        shapes.append(shape)
        begins.append(begin)
        ends.append(end)
    }

    /// Tensor `i`'s name.
    public func name(_ i: Int) -> String { names.name(i) }

    /// Tensor `i`'s number of elements.
    public func elementCount(_ i: Int) -> Int {
        let size = dtypes[i].size
        return size == 0 ? 0 : (ends[i] - begins[i]) / size
    }

    /// Tensor `i` as a header entry (its name made a `String`).
    public func entry(_ i: Int) -> SafetensorsHeader.Entry {
        SafetensorsHeader.Entry(name: name(i), dtype: dtypes[i], shape: shapes[i], begin: begins[i], end: ends[i])
    }

    /// Calls `body` with the names' bytes, each read where it lies.
    public func withNames<R>(_ body: (NameBuffer.View) throws -> R) rethrows -> R { try names.withView(body) }
}

/// Names as their UTF-8 bytes one after another in one buffer, with where each ends: a
/// checkpoint's ten thousand names are two allocations, not ten thousand `String`s.
public struct NameBuffer: Sendable {
    private var bytes: [UInt8] = []
    /// Name `i` ends at `ends[i]`. 32 bits: names come from headers capped at
    /// `SafetensorsHeader.maxHeaderBytes`, and a script's models are smaller still.
    private var ends: [Int32] = []

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
        bytes.append(contentsOf: name)
        ends.append(Int32(truncatingIfNeeded: bytes.count))
    }

    public mutating func append(_ name: String) {
        bytes.append(contentsOf: name.utf8)
        ends.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Name `i` as a `String`.
    public func name(_ i: Int) -> String {
        withView { String(decoding: $0[i], as: UTF8.self) }
    }

    /// Calls `body` with a view of the names' bytes, each read where it lies.
    public func withView<R>(_ body: (View) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in try body(View(bytes: bytes, ends: ends)) }
        }
    }

    /// The names' bytes, valid inside `withView` only.
    public struct View {
        let bytes: UnsafeBufferPointer<UInt8>
        let ends: UnsafeBufferPointer<Int32>

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
