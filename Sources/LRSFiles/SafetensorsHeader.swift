import Foundation

/// The element types a safetensors header may name (the format's own spellings). A name
/// not here is refused, never guessed at.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"

    /// Bytes per element.
    @inlinable
    public var size: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool: 1
        }
    }

    /// The size in bytes of `count` elements, if it fits an `Int`.
    func bytes(_ count: Int) -> Int? {
        let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : bytes
    }

    /// Integer and bool tensors: section 13 makes them buffers, never parameters.
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }
}

/// The header of a safetensors file, read without its data: every tensor's name, dtype,
/// shape and byte range, in the order the header's text names them (the writer's order,
/// which is the `state_dict()` order for `save_file` and `save_pretrained`).
///
/// Every length, dtype, shape and offset is checked against the file's size, and the tensors
/// must tile the data section exactly (as the format requires): nothing is allocated in
/// proportion to a size the file declares, only to the header's own length, which is capped.
public struct SafetensorsHeader: Sendable {
    /// One tensor of the header.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: SafetensorsDType
        public let shape: [Int]
        /// Its bytes in the data section (from the end of the header).
        public let begin: Int
        public let end: Int

        /// Number of elements.
        public var count: Int { dtype.size == 0 ? 0 : (end - begin) / dtype.size }
    }

    /// The tensors in header order.
    public let tensors: TensorTable
    /// The tensors in header order, each an `Entry` with its name a `String` (made when asked:
    /// a large header's checks read `tensors`).
    public var entries: [Entry] { (0 ..< tensors.count).map(tensors.entry) }
    /// `__metadata__` (strings only).
    public let metadata: [String: String]
    /// Where the data section starts in the file.
    public let dataStart: Int
    /// The data section's size.
    public let dataSize: Int

    /// Headers larger than this are refused before they are read (safetensors itself caps
    /// them at 100 MB).
    public static let maxHeaderBytes = 100_000_000

    /// Reads and validates the header of the file at `path`; reads nothing after it.
    public static func read(path: String) throws(FileFormatError) -> SafetensorsHeader {
        let fileSize: Int
        let lengthBytes: [UInt8]
        // Opened once for the length and the header (when it cannot be, the reads below
        // open it and say why).
        let file = FileBytes.OpenFile(path: path)
        do {
            fileSize = try file?.size ?? FileBytes.size(of: path)
            guard fileSize >= 8 else {
                throw FileFormatError(path: path, "not a safetensors file: \(fileSize) bytes, shorter than the 8-byte header length")
            }
            lengthBytes = try file?.read(offset: 0, count: 8) ?? FileBytes.read(path, offset: 0, count: 8)
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(path: path, "read failed")
        }
        let headerLength = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(fileSize - 8), headerLength <= UInt64(maxHeaderBytes) else {
            throw FileFormatError(path: path, "corrupt safetensors file: header length \(headerLength) exceeds the file size \(fileSize)")
        }
        // Its tables (names, columns), and the checks, groups and report that read them, take
        // about one and a half times the header's bytes of heap.
        HeapPrefault.ahead(2 * Int(headerLength))
        // A header as writers write it, read a window at a time; any other (or anything
        // wrong) is read whole, by `parse`, whose general reader says what is wrong.
        if let file, let plain = PlainHeaderReader.read(file, offset: 8, length: Int(headerLength),
                                                        dataSize: fileSize - 8 - Int(headerLength)) {
            return SafetensorsHeader(tensors: plain.tensors, metadata: plain.metadata, dataStart: 8 + Int(headerLength),
                                     dataSize: fileSize - 8 - Int(headerLength))
        }
        let headerBytes: [UInt8]
        do {
            headerBytes = try file?.read(offset: 8, count: Int(headerLength)) ?? FileBytes.read(path, offset: 8, count: Int(headerLength))
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(path: path, "read failed")
        }
        // The one-pass reader already refused it when the file was open: not asked again.
        return try parse(headerBytes, dataSize: fileSize - 8 - Int(headerLength), path: path, onePass: file == nil)
    }

    /// Validates a header's bytes against the size of the data section that follows it.
    /// `onePass: false` reads every header with the general reader (for tests that compare the two).
    static func parse(_ headerBytes: [UInt8], dataSize: Int, path: String, onePass: Bool = true) throws(FileFormatError) -> SafetensorsHeader {
        func corrupt(_ reason: String) -> FileFormatError { FileFormatError(path: path, "corrupt safetensors file: " + reason) }
        // Each entry is read straight from the text (no JSON value built per tensor) and
        // checked as it is read; the first bad one, in header order, is the one reported,
        // after any JSON error and any problem of `__metadata__` (which the whole text is
        // read for first).
        struct Raw { let name: String; let isObject: Bool; let dtype: String?; let shape: [Int]?; let offsets: [Int]? }
        func entry(_ raw: Raw) throws(FileFormatError) -> Entry {
            let name = raw.name
            guard raw.isObject, let dtypeName = raw.dtype else { throw corrupt("malformed entry for tensor '\(name)'") }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                let known = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
                throw FileFormatError(path: path, "tensor '\(name)' has dtype '\(dtypeName)', which is none of \(known)")
            }
            guard let shape = raw.shape else {
                throw corrupt("the shape of tensor '\(name)' is not a list of whole numbers from 0")
            }
            guard let offsets = raw.offsets, offsets.count == 2 else {
                throw corrupt("the data_offsets of tensor '\(name)' are not two whole numbers")
            }
            return try entry(name, dtype, shape, offsets[0], offsets[1])
        }
        func entry(_ name: String, _ dtype: SafetensorsDType, _ shape: [Int], _ begin: Int, _ end: Int) throws(FileFormatError) -> Entry {
            guard let bytes = byteCount(dtype, shape) else {
                throw corrupt("tensor '\(name)' has shape \(ShapeText.text(shape)), whose size in bytes overflows")
            }
            guard begin >= 0, end >= begin, end <= dataSize, end - begin == bytes else {
                throw corrupt("tensor '\(name)' (\(dtype.rawValue) \(ShapeText.text(shape))) claims bytes \(begin)..<\(end) of a \(dataSize)-byte data section")
            }
            return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }
        // A header as writers write it is read in one pass; anything else (or anything wrong)
        // by the general reader below, which says what is wrong.
        if onePass, let plain = headerBytes.withUnsafeBufferPointer({ PlainHeaderReader.read($0, dataSize: dataSize) }) {
            return SafetensorsHeader(tensors: plain.tensors, metadata: plain.metadata, dataStart: 8 + headerBytes.count,
                                     dataSize: dataSize)
        }
        var entries: [Entry] = []
        // About 100 bytes of text per entry: one allocation, not a doubling series.
        entries.reserveCapacity(headerBytes.count / 64)
        var firstBad: FileFormatError?
        var shapes = ShapeInterner()
        var metadata: [String: String] = [:]
        var metadataProblem: String?
        do {
            let isObject = try OrderedJSON.forEachMember(of: headerBytes) { (name, parser) throws(OrderedJSON.SyntaxError) in
                if name == "__metadata__" {
                    let value = try parser.value(depth: 1)
                    guard let meta = value.members else {
                        metadataProblem = metadataProblem ?? "__metadata__ is not an object"
                        return
                    }
                    for (key, item) in meta {
                        guard let text = item.string else {
                            metadataProblem = metadataProblem ?? "__metadata__ value of '\(key)' is not a string"
                            return
                        }
                        metadata[key] = text
                    }
                    return
                }
                parser.skipSpace()
                guard parser.position < parser.bytes.count, parser.bytes[parser.position] == UInt8(ascii: "{") else {
                    _ = try parser.value(depth: 1)
                    if firstBad == nil {
                        do throws(FileFormatError) { _ = try entry(Raw(name: name, isObject: false, dtype: nil, shape: nil, offsets: nil)) }
                        catch { firstBad = error }
                    }
                    return
                }
                // After a bad entry only the JSON is read: the first is the one reported.
                if firstBad == nil, let fast = parser.tensorEntry(shapes: &shapes) {
                    do throws(FileFormatError) {
                        entries.append(try entry(name, fast.dtype, shapes.shapes[Int(fast.shape)], fast.begin, fast.end))
                    }
                    catch { firstBad = error }
                    return
                }
                var dtype: String?, shape: [Int]?, offsets: [Int]?
                try parser.members(depth: 1) { (key, parser) throws(OrderedJSON.SyntaxError) in
                    switch key {
                    case "dtype": dtype = try parser.stringValue(depth: 2)
                    case "shape": shape = try parser.naturals(depth: 2)
                    case "data_offsets": offsets = try parser.naturals(depth: 2)
                    default: _ = try parser.value(depth: 2)
                    }
                }
                guard firstBad == nil else { return }
                do throws(FileFormatError) {
                    entries.append(try entry(Raw(name: name, isObject: true, dtype: dtype, shape: shape, offsets: offsets)))
                } catch { firstBad = error }
            }
            guard isObject else { throw corrupt("the header is not a JSON object") }
        } catch let error as OrderedJSON.SyntaxError {
            if let name = error.duplicateName { throw corrupt("the header names '\(name)' twice") }
            throw corrupt("the header is not valid JSON (\(error.reason) at byte \(8 + error.offset))")
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw corrupt("the header is not valid JSON")
        }
        if let metadataProblem { throw corrupt(metadataProblem) }
        if let firstBad { throw firstBad }

        // The format requires the tensors to tile the data section exactly, in offset order:
        // overlapping tensors would alias one another's bytes, and a gap or a tail hides data.
        // Positions sorted, not entries (each holds a name and a shape to move).
        // Writers lay the tensors out in the header's order: then there is nothing to sort.
        let inOrder = zip(entries, entries.dropFirst()).allSatisfy { ($0.begin, $0.end) < ($1.begin, $1.end) }
        let order = inOrder ? Array(entries.indices) : entries.indices.sorted {
            (entries[$0].begin, entries[$0].end, entries[$0].name) < (entries[$1].begin, entries[$1].end, entries[$1].name)
        }
        var covered = 0
        var previous: Entry?
        for index in order {
            let e = entries[index]
            if e.begin < covered, let p = previous {
                throw corrupt("tensors '\(p.name)' (bytes \(p.begin)..<\(p.end)) and '\(e.name)' (bytes \(e.begin)..<\(e.end)) overlap")
            }
            if e.begin > covered {
                throw corrupt("bytes \(covered)..<\(e.begin) of the data section belong to no tensor")
            }
            covered = e.end
            previous = e
        }
        guard covered == dataSize else {
            throw corrupt("bytes \(covered)..<\(dataSize) of the \(dataSize)-byte data section belong to no tensor")
        }
        var tensors = TensorTable(capacity: entries.count, nameBytes: entries.reduce(0) { $0 + $1.name.utf8.count })
        for entry in entries { tensors.append(entry) }
        return SafetensorsHeader(tensors: tensors, metadata: metadata, dataStart: 8 + headerBytes.count, dataSize: dataSize)
    }

    /// The size in bytes of a tensor of `shape`, if it fits an `Int`.
    static func byteCount(_ dtype: SafetensorsDType, _ shape: [Int]) -> Int? {
        shape.checkedProduct.flatMap(dtype.bytes)
    }

    /// The elements of one tensor as Float, read from the file at `path` whose header this
    /// is: floating-point dtypes only (F16 and BF16 widened exactly, F64 rounded), `nil` for
    /// the others, which section 13 makes buffers.
    public func floats(of entry: Entry, path: String) throws(FileFormatError) -> [Float]? {
        guard entry.dtype.isFloatingPoint else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path, offset: dataStart + entry.begin, count: entry.end - entry.begin)
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(path: path, "read failed")
        }
        let count = bytes.count / entry.dtype.size
        return bytes.withUnsafeBytes { raw in
            (0 ..< count).map { i -> Float in
                switch entry.dtype {
                case .f32: return Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)
                case .f64: return Float(Double(bitPattern: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
                case .f16: return Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian))
                case .bf16:
                    let bits = UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16
                    return Float(bitPattern: bits)
                default: return .nan
                }
            }
        }
    }
}
