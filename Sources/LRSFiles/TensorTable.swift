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
