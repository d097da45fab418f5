import Foundation

/// A NumPy `.npy` array as lrs uses it: C-order, little-endian numbers.
/// Floats (f4, f8) are inputs or regression targets; integers (i1..i8, u1..u8) are class
/// indices. Everything else (Fortran order, big-endian, objects, strings, a file shorter
/// than its header says) is refused with the reason.
public struct NpyArray: Sendable {
    public enum Element: Sendable, Equatable {
        case float(bytes: Int)
        case signed(bytes: Int)
        case unsigned(bytes: Int)

        public var size: Int {
            switch self {
            case let .float(n), let .signed(n), let .unsigned(n): n
            }
        }

        var isInteger: Bool {
            if case .float = self { return false }
            return true
        }
    }

    public let shape: [Int]
    public let element: Element
    let bytes: [UInt8]
    /// Where the data is in the file, for `readFloats` when `read` was told not to load it.
    var source: (path: String, offset: Int)?

    public var count: Int { shape.checkedProduct ?? 0 }
    public var isInteger: Bool { element.isInteger }

    /// The elements converted to Float.
    public var floats: [Float] {
        bytes.withUnsafeBytes { raw in
            (0 ..< count).map { i in
                let at = i * element.size
                switch element {
                case .float(4): return raw.loadUnaligned(fromByteOffset: at, as: Float.self)
                case .float(_): return Float(raw.loadUnaligned(fromByteOffset: at, as: Double.self))
                default: return Float(integer(raw, at))
                }
            }
        }
    }

    /// The elements as integers (only meaningful for integer arrays).
    public var integers: [Int64] {
        bytes.withUnsafeBytes { raw in (0 ..< count).map { integer(raw, $0 * element.size) } }
    }

    private func integer(_ raw: UnsafeRawBufferPointer, _ at: Int) -> Int64 {
        switch element {
        case .signed(1): Int64(raw.loadUnaligned(fromByteOffset: at, as: Int8.self))
        case .signed(2): Int64(raw.loadUnaligned(fromByteOffset: at, as: Int16.self))
        case .signed(4): Int64(raw.loadUnaligned(fromByteOffset: at, as: Int32.self))
        case .signed(_): raw.loadUnaligned(fromByteOffset: at, as: Int64.self)
        case .unsigned(1): Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt8.self))
        case .unsigned(2): Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self))
        case .unsigned(4): Int64(raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))
        case .unsigned(_): Int64(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        case .float: 0
        }
    }
}

extension NpyArray {
    /// Reads and validates an `.npy` file (format versions 1.0, 2.0 and 3.0). Without
    /// `loadingData` only the header is read and checked (the data is there, in full);
    /// `readFloats` then reads the data.
    public static func read(path: String, loadingData: Bool = true) throws -> NpyArray {
        let fileSize = try FileBytes.size(of: path)
        guard fileSize >= 10 else { throw FileFormatError(path: path, "not a .npy file (\(fileSize) bytes)") }
        let prefix = try FileBytes.read(path, offset: 0, count: 12 <= fileSize ? 12 : 10)
        guard prefix.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw FileFormatError(path: path, "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = prefix[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8
            headerStart = 10
        case 2, 3:
            guard prefix.count == 12 else { throw FileFormatError(path: path, "truncated .npy header") }
            headerLength = Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24
            headerStart = 12
        default:
            throw FileFormatError(path: path, ".npy format version \(major).\(prefix[7]) is not supported (1.0 to 3.0 are)")
        }
        guard headerLength <= fileSize - headerStart else {
            throw FileFormatError(path: path, "truncated .npy file: header of \(headerLength) bytes in a \(fileSize)-byte file")
        }
        let headerBytes = try FileBytes.read(path, offset: headerStart, count: headerLength)
        guard let header = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw FileFormatError(path: path, "unreadable .npy header")
        }
        let fields = try NpyHeader.parse(header, path: path)
        guard !fields.fortranOrder else {
            throw FileFormatError(path: path, "Fortran-order arrays are not supported; save it with np.ascontiguousarray")
        }
        let element = try NpyHeader.element(fields.descr, path: path)
        guard let count = fields.shape.checkedProduct,
              case let (size, overflow) = count.multipliedReportingOverflow(by: element.size), !overflow
        else { throw FileFormatError(path: path, "invalid shape \(ShapeText.text(fields.shape))") }
        let dataStart = headerStart + headerLength
        guard size <= fileSize - dataStart else {
            throw FileFormatError(path: path, "truncated .npy file: shape \(ShapeText.text(fields.shape)) needs \(size) bytes of data, the file has \(fileSize - dataStart)")
        }
        guard loadingData else {
            var array = NpyArray(shape: fields.shape, element: element, bytes: [])
            array.source = (path, dataStart)
            return array
        }
        let data = try FileBytes.read(path, offset: dataStart, count: size)
        return NpyArray(shape: fields.shape, element: element, bytes: data)
    }

    /// Builds an array in memory (tests, synthetic data).
    public init(shape: [Int], floats: [Float]) {
        self.shape = shape
        self.element = .float(bytes: 4)
        self.bytes = floats.withUnsafeBytes { Array($0) }
    }

    /// The `.npy` (version 1.0) bytes of a float32 or int64 array.
    public static func serialize(shape: [Int], floats: [Float]) -> [UInt8] {
        serialize(shape: shape, descr: "<f4", data: floats.withUnsafeBytes { Array($0) })
    }

    public static func serialize(shape: [Int], int64s: [Int64]) -> [UInt8] {
        serialize(shape: shape, descr: "<i8", data: int64s.withUnsafeBytes { Array($0) })
    }

    /// The `.npy` (version 1.0) bytes of raw little-endian `data` of NumPy type `descr`.
    public static func serialize(shape: [Int], descr: String, data: [UInt8]) -> [UInt8] {
        let dims = shape.count == 1 ? "\(shape[0])," : shape.map(String.init).joined(separator: ", ")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let n = header.utf8.count
        return [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(n & 0xff), UInt8(n >> 8)] + Array(header.utf8) + data
    }
}
