import LRSFiles

/// A model's parameters, in `state_dict()` order. A built-in model's are `ParameterInfo`s. A
/// checkpoint's (section 13) are columns over its tensor table: which tensor each parameter
/// is, and the number of its module. There is no `String` or `ParameterInfo` per parameter: a
/// 10,000-tensor check reads the names where they lie (`withNames`) and the shapes and counts
/// by position. `self[i]` makes the `ParameterInfo`, for code that asks about a few.
public struct ParameterList: RandomAccessCollection, Sendable {
    private let infos: [ParameterInfo]
    private let checkpoint: Columns?

    /// A checkpoint's parameters.
    private struct Columns: Sendable {
        let table: TensorTable
        /// Each parameter's position in `table`.
        let tensors: [Int32]
        /// Each parameter's module, numbered in order of first appearance.
        let modules: [Int32]
    }

    public init(_ infos: [ParameterInfo]) {
        self.infos = infos
        checkpoint = nil
    }

    /// The parameters of a checkpoint: tensor `tensors[i]` of `table`, in module `modules[i]`.
    init(table: TensorTable, tensors: [Int32], modules: [Int32]) {
        infos = []
        checkpoint = Columns(table: table, tensors: tensors, modules: modules)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { checkpoint?.tensors.count ?? infos.count }

    public subscript(position: Int) -> ParameterInfo {
        guard let checkpoint else { return infos[position] }
        let tensor = Int(checkpoint.tensors[position])
        return ParameterInfo(checkpointName: checkpoint.table.name(tensor), shape: checkpoint.table.shape(tensor),
                             count: checkpoint.table.elementCount(tensor), module: Int(checkpoint.modules[position]))
    }

    /// Whether these are a checkpoint's parameters (which have no layer kind).
    public var fromCheckpoint: Bool { checkpoint != nil }

    public func name(_ position: Int) -> String {
        guard let checkpoint else { return infos[position].name }
        return checkpoint.table.name(Int(checkpoint.tensors[position]))
    }

    public func shape(_ position: Int) -> [Int] {
        guard let checkpoint else { return infos[position].shape }
        return checkpoint.table.shape(Int(checkpoint.tensors[position]))
    }

    /// A checkpoint parameter's shape by its number among `distinctShapes` (nil for a built-in
    /// model's): a report makes each shape's text once.
    public func shapeNumber(_ position: Int) -> Int? {
        guard let checkpoint else { return nil }
        return Int(checkpoint.table.shapeNumbers[Int(checkpoint.tensors[position])])
    }

    /// A checkpoint's distinct shapes, by number (empty for a built-in model).
    public var distinctShapes: [[Int]] { checkpoint?.table.distinctShapes ?? [] }

    /// The total elements and the most dimensions of the parameters at `positions` (a group's
    /// summary): a checkpoint's thousands are read by their tensors' shape numbers, with no
    /// shape array made per parameter.
    public func totals(of positions: [Int]) -> (elements: Int, dimensions: Int) {
        guard let checkpoint else {
            return (positions.reduce(0) { $0 + infos[$1].count }, positions.reduce(0) { Swift.max($0, infos[$1].shape.count) })
        }
        let table = checkpoint.table, shapes = table.distinctShapes
        var total = (elements: 0, dimensions: 0)
        for position in positions {
            let tensor = Int(checkpoint.tensors[position])
            total.elements += table.elementCount(tensor)
            total.dimensions = Swift.max(total.dimensions, shapes[Int(table.shapeNumbers[tensor])].count)
        }
        return total
    }

    /// The number of elements.
    public func elementCount(_ position: Int) -> Int {
        guard let checkpoint else { return infos[position].count }
        return checkpoint.table.elementCount(Int(checkpoint.tensors[position]))
    }

    /// Every name, as `String`s.
    public var names: [String] { indices.map(name) }

    /// Total number of elements.
    public var elementCount: Int { indices.reduce(0) { $0 &+ elementCount($1) } }

    /// Calls `body` with the names' bytes, read where they lie (a built-in model's names are
    /// copied into one buffer first: a few dozen).
    public func withNames<R>(_ body: (Names) throws -> R) rethrows -> R {
        guard let checkpoint else {
            return try NameBuffer(infos.map(\.name)).withView { try body(Names(names: $0, tensors: nil)) }
        }
        return try checkpoint.table.withNames { names in
            try checkpoint.tensors.withUnsafeBufferPointer { try body(Names(names: names, tensors: $0)) }
        }
    }

    /// The parameters' names as bytes, valid inside `withNames` only.
    public struct Names {
        @usableFromInline let names: NameBuffer.View
        @usableFromInline let tensors: UnsafeBufferPointer<Int32>?

        init(names: NameBuffer.View, tensors: UnsafeBufferPointer<Int32>?) {
            self.names = names
            self.tensors = tensors
        }

        /// The names of `names`, each a parameter's, in order.
        public init(_ names: NameBuffer.View) {
            self.init(names: names, tensors: nil)
        }

        public var count: Int { tensors?.count ?? names.count }

        /// Whether every name is ASCII.
        public var isASCII: Bool { names.isASCII }

        /// Parameter `position`'s name, as UTF-8 bytes.
        @inlinable @inline(__always)
        public subscript(position: Int) -> UnsafeBufferPointer<UInt8> {
            names[tensors.map { Int($0[position]) } ?? position]
        }
    }
}
