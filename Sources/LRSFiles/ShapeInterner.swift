/// The distinct shapes of a header, each numbered and kept once: the shape being read is
/// written into scratch space (`start`, `add`), and `interned()` gives its number (the shape
/// is kept on its first appearance): no array is made or emptied per tensor.
struct ShapeInterner: Sendable {
    /// The shapes, by number, and each one's element count (nil when it overflows).
    private(set) var shapes: [[Int]] = []
    private var counts: [Int?] = []
    /// The shape being read: the first `count` entries.
    private var scratch: [Int] = []
    private var count = 0
    /// Past the first few shapes, a table.
    private var table: [[Int]: Int32] = [:]

    /// The last shape handed out: neighbours in a header often share one.
    private var last = 0

    mutating func start() { count = 0 }

    mutating func add(_ dimension: Int) {
        if count < scratch.count { scratch[count] = dimension } else { scratch.append(dimension) }
        count += 1
    }

    private func isCurrent(_ shape: [Int]) -> Bool {
        guard shape.count == count else { return false }
        for i in 0 ..< count where shape[i] != scratch[i] { return false }
        return true
    }

    /// The number of the shape just read.
    mutating func interned() -> Int32 {
        if last < shapes.count, isCurrent(shapes[last]) { return Int32(last) }
        for index in shapes.indices.prefix(16) where isCurrent(shapes[index]) {
            last = index
            return Int32(index)
        }
        if scratch.count > count { scratch.removeLast(scratch.count - count) }
        if let known = table[scratch] { return known }
        return intern(scratch)
    }

    /// The number of `shape` (read as the header reader reads one).
    mutating func number(of shape: [Int]) -> Int32 {
        start()
        for dimension in shape { add(dimension) }
        return interned()
    }

    /// The size in bytes of a tensor of shape `number` and `dtype`, if it fits an `Int`.
    func byteCount(_ number: Int32, _ dtype: SafetensorsDType) -> Int? {
        counts[Int(number)].flatMap(dtype.bytes)
    }

    private mutating func intern(_ shape: [Int]) -> Int32 {
        let number = Int32(shapes.count)
        shapes.append(shape)
        counts.append(shape.checkedProduct)
        // The first sixteen are compared in turn; past those, looked up.
        if shapes.count > 16 { table[shape] = number }
        last = Int(number)
        return number
    }
}
