/// One array per distinct shape of a header: the shape just read is in `scratch`, and
/// `interned()` hands back the array kept for it (made on its first appearance).
struct ShapeInterner {
    var scratch: [Int] = []
    /// The first few shapes seen, compared in turn; past those, a table.
    private var recent: [[Int]] = []
    private var table: [[Int]: [Int]] = [:]

    /// The last shape handed out: neighbours in a header often share one.
    private var last = 0

    mutating func interned() -> [Int] {
        if last < recent.count, recent[last] == scratch { return recent[last] }
        for (index, shape) in recent.enumerated() where shape == scratch {
            last = index
            return shape
        }
        if let known = table[scratch] { return known }
        let made = scratch
        if recent.count < 16 { recent.append(made) } else { table[made] = made }
        return made
    }
}
