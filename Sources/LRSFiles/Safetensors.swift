import Foundation

/// The element types lrs reads and writes in safetensors files.
public enum ElementType: String, Sendable, CaseIterable {
    case f32 = "F32", f64 = "F64", i64 = "I64", i32 = "I32"

    public var size: Int {
        switch self {
        case .f32, .i32: 4
        case .f64, .i64: 8
        }
    }
}

/// One tensor of a safetensors file: raw little-endian bytes with a type and a shape.
public struct StoredTensor: Equatable, Sendable {
    public var type: ElementType
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(type: ElementType, shape: [Int], bytes: [UInt8]) {
        self.type = type
        self.shape = shape
        self.bytes = bytes
    }

    public init(floats: [Float], shape: [Int]) {
        self.init(type: .f32, shape: shape, bytes: floats.withUnsafeBytes { Array($0) })
    }

    public init(doubles: [Double], shape: [Int]) {
        self.init(type: .f64, shape: shape, bytes: doubles.withUnsafeBytes { Array($0) })
    }

    public init(int64s: [Int64], shape: [Int]) {
        self.init(type: .i64, shape: shape, bytes: int64s.withUnsafeBytes { Array($0) })
    }

    public var count: Int { bytes.count / type.size }

    /// The elements as Float (integers and doubles converted).
    public var floats: [Float] {
        switch type {
        case .f32: return load(Float.self)
        case .f64: return load(Double.self).map { Float($0) }
        case .i64: return load(Int64.self).map { Float($0) }
        case .i32: return load(Int32.self).map { Float($0) }
        }
    }

    /// The elements as Double.
    public var doubles: [Double] {
        switch type {
        case .f32: return load(Float.self).map { Double($0) }
        case .f64: return load(Double.self)
        case .i64: return load(Int64.self).map { Double($0) }
        case .i32: return load(Int32.self).map { Double($0) }
        }
    }

    /// The elements as Int64 (floats truncated toward zero where finite, else 0).
    public var int64s: [Int64] {
        switch type {
        case .i64: return load(Int64.self)
        case .i32: return load(Int32.self).map { Int64($0) }
        case .f32, .f64:
            return doubles.map { $0.isFinite && abs($0) < 9.2e18 ? Int64($0) : 0 }
        }
    }

    private func load<T>(_: T.Type) -> [T] {
        let n = bytes.count / MemoryLayout<T>.size
        return [T](unsafeUninitializedCapacity: n) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                let target = UnsafeMutableRawBufferPointer(buffer)
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0 ..< n * MemoryLayout<T>.size]))
            }
            initialized = n
        }
    }
}

/// A safetensors file: an 8-byte little-endian header length, a JSON header naming each
/// tensor's dtype, shape and byte range, then the bytes. Tensors keep the order they were
/// added in (state_dict order); `metadata` is the header's `__metadata__` (strings only).
public struct SafetensorsFile: Sendable {
    public private(set) var names: [String] = []
    public private(set) var tensors: [String: StoredTensor] = [:]
    public var metadata: [String: String] = [:]

    public init() {}

    public subscript(name: String) -> StoredTensor? { tensors[name] }

    public mutating func set(_ name: String, _ tensor: StoredTensor) {
        if tensors[name] == nil { names.append(name) }
        tensors[name] = tensor
    }
}
