import Foundation

extension NpyArray {
    /// The elements as Float, for data sets. An array read without its data (`read(path:
    /// loadingData: false)`) is read from the file straight into the result: float32 with
    /// no intermediate copy, float64 converted once, a chunk at a time. So a data set is
    /// in memory once, and read at about the page cache's bandwidth.
    public func readFloats() throws -> [Float] {
        guard let source else { return floats }
        let count = self.count
        guard count > 0 else { return [] }
        guard case .float(let width) = element else { return try loaded().floats }
        let fd = open(source.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileFormatError(path: source.path, "cannot open the file for reading") }
        defer { close(fd) }
        _ = posix_fadvise(fd, off_t(source.offset), 0, POSIX_FADV_SEQUENTIAL)
        return try [Float](unsafeUninitializedCapacity: count) { result, initialized in
            if width == 4 {
                try Self.readExactly(fd, into: UnsafeMutableRawBufferPointer(result), at: source.offset, path: source.path)
            } else {
                // float64: a megabyte at a time, converted into the result.
                let chunk = 1 << 17
                let doubles = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.min(chunk, count))
                defer { doubles.deallocate() }
                var start = 0
                while start < count {
                    let n = Swift.min(chunk, count - start)
                    try Self.readExactly(fd, into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(doubles)[0 ..< n * 8]),
                                         at: source.offset + start * 8, path: source.path)
                    for i in 0 ..< n { result[start + i] = Float(doubles[i]) }
                    start += n
                }
            }
            initialized = count
        }
    }

    /// The array with its data in memory (read now when `read` left it in the file).
    public func loaded() throws -> NpyArray {
        guard let source else { return self }
        let bytes = try FileBytes.read(source.path, offset: source.offset, count: count * element.size)
        return NpyArray(shape: shape, element: element, bytes: bytes)
    }

    /// Fills `buffer` from the file at `offset`; a file that ends first is an error.
    private static func readExactly(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                                    path: String) throws {
        guard let base = buffer.baseAddress else { return }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, Swift.min(buffer.count - done, 1 << 30), off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw FileFormatError(path: path, "read failed: " + String(cString: strerror(errno)))
            }
            if n == 0 {
                throw FileFormatError(path: path, "file is shorter than its header says (\(offset + done) bytes, needs \(offset + buffer.count))")
            }
            done += n
        }
    }
}
