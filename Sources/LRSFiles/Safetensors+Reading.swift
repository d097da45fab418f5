import Foundation

extension SafetensorsFile {
    /// Reads and validates a safetensors file. Every length, dtype, shape and offset is
    /// checked against the file's size before the data is read.
    public static func read(path: String) throws -> SafetensorsFile {
        let fileSize = try FileBytes.size(of: path)
        guard fileSize >= 8 else {
            throw FileFormatError(path: path, "not a safetensors file: \(fileSize) bytes, shorter than the 8-byte header length")
        }
        let lengthBytes = try FileBytes.read(path, offset: 0, count: 8)
        let headerLength = lengthBytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(fileSize - 8), headerLength <= UInt64(maxHeaderBytes) else {
            throw FileFormatError(path: path, "corrupt safetensors file: header length \(headerLength) exceeds the file size \(fileSize)")
        }
        let headerBytes = try FileBytes.read(path, offset: 8, count: Int(headerLength))
        let dataStart = 8 + Int(headerLength)
        let dataSize = fileSize - dataStart

        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(headerBytes))
        } catch {
            throw FileFormatError(path: path, "corrupt safetensors file: the header is not valid JSON")
        }
        guard let header = parsed as? [String: Any] else {
            throw FileFormatError(path: path, "corrupt safetensors file: the header is not a JSON object")
        }

        struct Entry { let name: String; let type: ElementType; let shape: [Int]; let begin: Int; let end: Int }
        var entries: [Entry] = []
        var file = SafetensorsFile()
        for (name, value) in header {
            if name == "__metadata__" {
                guard let meta = value as? [String: Any] else {
                    throw FileFormatError(path: path, "corrupt safetensors file: __metadata__ is not an object")
                }
                for (k, v) in meta {
                    guard let s = v as? String else {
                        throw FileFormatError(path: path, "corrupt safetensors file: __metadata__ value of '\(k)' is not a string")
                    }
                    file.metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any],
                  let dtypeName = info["dtype"] as? String,
                  let shapeValues = info["shape"] as? [Any],
                  let offsetValues = info["data_offsets"] as? [Any], offsetValues.count == 2
            else {
                throw FileFormatError(path: path, "corrupt safetensors file: malformed entry for tensor '\(name)'")
            }
            guard let type = ElementType(rawValue: dtypeName) else {
                throw FileFormatError(path: path, "tensor '\(name)' has dtype \(dtypeName); lrs reads F32, F64, I64 and I32")
            }
            let shape = shapeValues.compactMap(Self.integer)
            let offsets = offsetValues.compactMap(Self.integer)
            guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }) else {
                throw FileFormatError(path: path, "corrupt safetensors file: the shape of tensor '\(name)' is not a list of whole numbers from 0")
            }
            guard offsets.count == 2 else {
                throw FileFormatError(path: path, "corrupt safetensors file: the data_offsets of tensor '\(name)' are not two whole numbers")
            }
            guard let count = shape.checkedProduct,
                  case let (bytes, overflow) = count.multipliedReportingOverflow(by: type.size), !overflow
            else {
                throw FileFormatError(path: path, "corrupt safetensors file: tensor '\(name)' has shape \(ShapeText.text(shape)), whose size in bytes overflows")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, end >= begin, end <= dataSize, end - begin == bytes else {
                throw FileFormatError(path: path, "corrupt safetensors file: tensor '\(name)' (\(dtypeName) \(ShapeText.text(shape))) claims bytes \(begin)..<\(end) of a \(dataSize)-byte data section")
            }
            entries.append(Entry(name: name, type: type, shape: shape, begin: begin, end: end))
        }

        // The format requires the tensors to tile the data section exactly, in offset order:
        // overlapping tensors would alias one another's bytes, and a gap or a tail hides data.
        let ordered = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var covered = 0
        var previous: Entry?
        for e in ordered {
            if e.begin < covered, let p = previous {
                throw FileFormatError(path: path, "corrupt safetensors file: tensors '\(p.name)' (bytes \(p.begin)..<\(p.end)) and '\(e.name)' (bytes \(e.begin)..<\(e.end)) overlap")
            }
            if e.begin > covered {
                throw FileFormatError(path: path, "corrupt safetensors file: bytes \(covered)..<\(e.begin) of the data section belong to no tensor")
            }
            covered = e.end
            previous = e
        }
        guard covered == dataSize else {
            throw FileFormatError(path: path, "corrupt safetensors file: bytes \(covered)..<\(dataSize) of the \(dataSize)-byte data section belong to no tensor")
        }

        // Only now that every range is known to lie inside the file is the data read.
        let data = try FileBytes.read(path, offset: dataStart, count: dataSize)
        // Tensors come back in data order, which is the order a writer laid them out in.
        for e in ordered {
            file.set(e.name, StoredTensor(type: e.type, shape: e.shape, bytes: Array(data[e.begin ..< e.end])))
        }
        return file
    }

    private static func integer(_ value: Any) -> Int? {
        if let n = value as? Int { return n }
        if let d = value as? Double, d.rounded() == d, abs(d) < 9e15 { return Int(d) }
        return nil
    }
}
