import Foundation

extension SafetensorsFile {
    /// The file's bytes: tensors laid out by decreasing element size (so every tensor is
    /// aligned to its element size), then in insertion order; the header padded with
    /// spaces to a multiple of 8 bytes, as the reference writer does.
    public func serialized() -> [UInt8] {
        let order = names.indices.sorted { a, b in
            let (ta, tb) = (tensors[names[a]]!, tensors[names[b]]!)
            return ta.type.size != tb.type.size ? ta.type.size > tb.type.size : a < b
        }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = metadata.keys.sorted().map { "\(JSON.string($0)):\(JSON.string(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for i in order {
            let name = names[i]
            let t = tensors[name]!
            let shape = t.shape.map(String.init).joined(separator: ",")
            parts.append("\(JSON.string(name)):{\"dtype\":\"\(t.type.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + t.bytes.count)]}")
            offset += t.bytes.count
        }
        header += parts.joined(separator: ",") + "}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        var length = UInt64(headerBytes.count)
        for _ in 0 ..< 8 {
            out.append(UInt8(length & 0xff))
            length >>= 8
        }
        out += headerBytes
        for i in order { out += tensors[names[i]]!.bytes }
        return out
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(serialized(), to: path)
    }
}
