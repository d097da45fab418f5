/// A checkpoint's tensors as columns: every name's bytes in one buffer, and a dtype, shape and
/// byte range per tensor. A 10,000-tensor header is read into a few arrays, not ten thousand
/// `String`s and entries; a name is made a `String` only when asked for one (a report's rows,
/// a diagnostic), and the checker, the groups and the report read the bytes where they lie.
public struct TensorTable: Sendable {
    public private(set) var names = NameBuffer()
    public private(set) var dtypes: [SafetensorsDType] = []
    /// Each tensor's shape, by its number among the table's distinct shapes (a header's
    /// thousands of tensors have a few dozen shapes).
    public private(set) var shapeNumbers: [Int32] = []
    /// The distinct shapes, numbered (the header reader interns them as it reads).
    var shapeInterner = ShapeInterner()
    /// Each tensor's bytes in its file's data section.
    public private(set) var begins: [Int] = []
    public private(set) var ends: [Int] = []

    /// Room for `tensors` tensors whose names take about `nameBytes` bytes.
    init(capacity tensors: Int, nameBytes: Int) {
        names = NameBuffer(capacity: tensors, bytes: nameBytes)
        dtypes.reserveCapacity(tensors)
        shapeNumbers.reserveCapacity(tensors)
        begins.reserveCapacity(tensors)
        ends.reserveCapacity(tensors)
    }

    public var count: Int { names.count }

    /// Adds a tensor whose name is `name`'s bytes, and whose shape is number `shape` of
    /// `shapeInterner`.
    mutating func append(name: UnsafeBufferPointer<UInt8>, dtype: SafetensorsDType, shape: Int32, begin: Int, end: Int) {
        names.append(name)
        appendColumns(dtype: dtype, shape: shape, begin: begin, end: end)
    }

    mutating func append(_ entry: SafetensorsHeader.Entry) {
        names.append(entry.name)
        appendColumns(dtype: entry.dtype, shape: shapeInterner.number(of: entry.shape), begin: entry.begin, end: entry.end)
    }

    /// Adds tensor `i` of `other`.
    mutating func append(_ i: Int, of other: TensorTable) {
        other.withNames { names.append($0[i]) }
        appendColumns(dtype: other.dtypes[i], shape: shapeInterner.number(of: other.shape(i)), begin: other.begins[i],
                      end: other.ends[i])
    }

    private mutating func appendColumns(dtype: SafetensorsDType, shape: Int32, begin: Int, end: Int) {
        dtypes.append(dtype)
        shapeNumbers.append(shape)
        begins.append(begin)
        ends.append(end)
    }

    /// Tensor `i`'s shape.
    public func shape(_ i: Int) -> [Int] { shapeInterner.shapes[Int(shapeNumbers[i])] }

    /// The distinct shapes, by number (`shapeNumbers`).
    public var distinctShapes: [[Int]] { shapeInterner.shapes }

    /// Tensor `i`'s name.
    public func name(_ i: Int) -> String { names.name(i) }

    /// Tensor `i`'s number of elements. Inlinable: the checker and the groups ask it of
    /// every tensor.
    @inlinable
    public func elementCount(_ i: Int) -> Int {
        let size = dtypes[i].size
        return size == 0 ? 0 : (ends[i] - begins[i]) / size
    }

    /// Tensor `i` as a header entry (its name made a `String`).
    public func entry(_ i: Int) -> SafetensorsHeader.Entry {
        SafetensorsHeader.Entry(name: name(i), dtype: dtypes[i], shape: shape(i), begin: begins[i], end: ends[i])
    }

    /// Calls `body` with the names' bytes, each read where it lies.
    public func withNames<R>(_ body: (NameBuffer.View) throws -> R) rethrows -> R { try names.withView(body) }
}
