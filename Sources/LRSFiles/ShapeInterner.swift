/// One array per distinct shape of a header: the shape being read is written into scratch
/// space (`start`, `add`), and `interned()` hands back the array kept for it (made on its
/// first appearance): no array is made or emptied per tensor.
struct ShapeInterner {
    /// The shape being read: the first `count` entries.
    private var scratch: [Int] = []
    private var count = 0
    /// The first few shapes seen, compared in turn; past those, a table.
    private var recent: [[Int]] = []
    private var table: [[Int]: [Int]] = [:]

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

    mutating func interned() -> [Int] {
        if last < recent.count, isCurrent(recent[last]) { return recent[last] }
        for (index, shape) in recent.enumerated() where isCurrent(shape) {
            last = index
            return shape
        }
        if scratch.count > count { scratch.removeLast(scratch.count - count) }
        if let known = table[scratch] { return known }
        let made = scratch
        if recent.count < 16 { recent.append(made) } else { table[made] = made }
        return made
    }
}
