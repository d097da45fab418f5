#if canImport(Glibc)
import Glibc
#endif

/// A dense, contiguous float32 tensor: a shape and the storage that holds its elements in
/// C (row-major) order.
///
/// Storage is owned by the tensor and 64-byte aligned, so kernels can walk it with plain
/// pointers and the compiler can vectorise. A tensor is a reference type on purpose: a
/// parameter, its gradient and the optimizer state that updates it in place are shared
/// between the model, the optimizer and the checkpoint writer without copies.
public final class Tensor {
    /// Sizes of the dimensions, outermost first. `[]` is a scalar with one element.
    public private(set) var shape: [Int]
    /// Number of elements: the product of `shape`.
    public let count: Int
    /// The elements. Valid for `count` floats for the tensor's whole life.
    public let data: UnsafeMutablePointer<Float>
    /// The tensor whose storage this one views (nil when the tensor owns its storage); held
    /// so the storage outlives every view of it.
    private let base: Tensor?

    /// A zero-filled tensor.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        let bytes = Swift.max(count, 1) * MemoryLayout<Float>.stride
        let raw = Tensor.allocateStorage(bytes)
        raw.initializeMemory(as: Float.self, repeating: 0, count: Swift.max(count, 1))
        self.data = raw.assumingMemoryBound(to: Float.self)
        self.base = nil
    }

    /// Storage of at least 2 MiB is aligned to 2 MiB and asks the kernel for huge pages:
    /// streaming passes (optimizer steps over millions of parameters) then spend no time
    /// walking page tables. Smaller storage is 64-byte aligned, for vector loads.
    static func allocateStorage(_ bytes: Int) -> UnsafeMutableRawPointer {
        let hugePage = 1 << 21
        guard bytes >= hugePage else { return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64) }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: hugePage)
        #if canImport(Glibc)
        _ = madvise(raw, (bytes + hugePage - 1) / hugePage * hugePage, MADV_HUGEPAGE)
        #endif
        return raw
    }

    /// A tensor of `shape` over the first elements of `base`'s storage, without a copy.
    /// Layers keep buffers sized for the largest batch and hand out views for smaller ones.
    public init(viewing base: Tensor, shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
        let count = shape.reduce(1, *)
        precondition(count <= base.count, "Tensor: view of shape \(shape) exceeds storage of shape \(base.shape)")
        self.shape = shape
        self.count = count
        self.data = base.data
        self.base = base.base ?? base
    }

    /// A tensor holding `values` (row-major) with the given shape.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count, "Tensor: \(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { data.update(from: base, count: count) }
        }
    }

    deinit {
        if base == nil { UnsafeMutableRawPointer(data).deallocate() }
    }

    /// The elements as a buffer, for `for` loops and `withUnsafe...` APIs.
    @inlinable public var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: data, count: count)
    }

    /// A copy of the elements as an array (tests, files, small reports).
    public var values: [Float] { Array(buffer) }

    /// Reinterprets the same elements under another shape with the same element count.
    public func reshape(_ newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count, "Tensor.reshape: \(shape) to \(newShape)")
        shape = newShape
    }

    /// A new tensor with the same shape and a copy of the elements.
    public func copy() -> Tensor {
        let t = Tensor(zeros: shape)
        t.data.update(from: data, count: count)
        return t
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) {
        data.update(repeating: value, count: count)
    }
}
