import Foundation

extension NpyArray {
    /// The element count and element size an `.npy` file declares, from its header alone
    /// (the memory guard's estimate reads no data); nil when the header cannot be read, in
    /// which case loading the file reports why.
    static func declaredSize(path: String) -> (count: Int, elementSize: Int)? {
        guard let fileSize = try? FileBytes.size(of: path), fileSize >= 12,
              let prefix = try? FileBytes.read(path, offset: 0, count: 12),
              prefix.starts(with: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else { return nil }
        let (length, start) = prefix[6] == 1
            ? (Int(prefix[8]) | Int(prefix[9]) << 8, 10)
            : (Int(prefix[8]) | Int(prefix[9]) << 8 | Int(prefix[10]) << 16 | Int(prefix[11]) << 24, 12)
        guard length <= fileSize - start, length <= 1 << 20,
              let bytes = try? FileBytes.read(path, offset: start, count: length),
              let text = String(bytes: bytes, encoding: .isoLatin1),
              let fields = try? NpyHeader.parse(text, path: path),
              let element = try? NpyHeader.element(fields.descr, path: path),
              let count = fields.shape.checkedProduct else { return nil }
        return (count, element.size)
    }
}
