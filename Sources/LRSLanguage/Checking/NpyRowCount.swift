import Foundation

/// The number of rows (the first dimension) of a NumPy `.npy` file, from its header alone:
/// what the checker needs of a data file. The engine's `NpyHeader` parses the whole header.
enum NpyRowCount {
    /// The first dimension of the array, or `nil` when the header cannot be read.
    static func firstDimension(ofFileAt path: String) -> Int? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: 4096) else { return nil }
        return firstDimension(inHeader: [UInt8](data))
    }

    // header := "\x93NUMPY" major minor len(2 or 4 bytes, little endian) dict-text
    static func firstDimension(inHeader bytes: [UInt8]) -> Int? {
        guard bytes.count > 10, bytes[0] == 0x93, bytes[1...5].elementsEqual("NUMPY".utf8) else { return nil }
        let text = String(decoding: bytes.dropFirst(8), as: UTF8.self)
        guard let shapeKey = text.range(of: "'shape':"),
              let open = text[shapeKey.upperBound...].firstIndex(of: "(") else { return nil }
        let digits = text[text.index(after: open)...].prefix { $0 == " " || $0.isNumber }
        return Int(digits.trimmingCharacters(in: .whitespaces))
    }
}
