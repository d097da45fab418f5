import Foundation

extension SafetensorsFile {
    /// Reads and validates a safetensors file. Every length, dtype, shape and offset is
    /// checked against the file's size before the data is read.
    public static func read(path: String) throws -> SafetensorsFile {
        let header = try SafetensorsHeader.read(path: path)
        var file = SafetensorsFile()
        file.metadata = header.metadata
        // Each made once: `entries` makes every name a `String`.
        let entries = header.entries
        var types: [String: ElementType] = [:]
        for entry in entries {
            guard let type = ElementType(rawValue: entry.dtype.rawValue) else {
                throw FileFormatError(path: path, "tensor '\(entry.name)' has dtype \(entry.dtype.rawValue); lrs reads F32, F64, I64 and I32")
            }
            types[entry.name] = type
        }
        let ordered = entries.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        let (dataStart, dataSize) = (header.dataStart, header.dataSize)

        // Only now that every range is known to lie inside the file is the data read.
        let data = try FileBytes.read(path, offset: dataStart, count: dataSize)
        // Tensors come back in data order, which is the order a writer laid them out in.
        for e in ordered {
            guard let type = types[e.name] else { continue }
            file.set(e.name, StoredTensor(type: type, shape: e.shape, bytes: Array(data[e.begin ..< e.end])))
        }
        return file
    }
}
