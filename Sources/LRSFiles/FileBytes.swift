import Foundation

/// Reading files whose sizes are checked before anything large is allocated.
public enum FileBytes {
    /// The size of the file at `path`, or an error saying why it cannot be read.
    public static func size(of path: String) throws -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FileFormatError(path: path, errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw FileFormatError(path: path, "not a regular file") }
        return Int(info.st_size)
    }

    /// Reads `count` bytes at `offset`; fewer bytes than asked for is an error. Straight into
    /// the array with `pread`: no `Data` to fill and copy (a checkpoint header is megabytes).
    public static func read(_ path: String, offset: Int, count: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileFormatError(path: path, "cannot open the file for reading") }
        defer { close(descriptor) }
        return try read(descriptor, path: path, offset: offset, count: count)
    }

    /// A regular file opened once for several reads: a checkpoint shard's length, then its
    /// header (a sharded checkpoint has dozens of shards).
    public final class OpenFile {
        let descriptor: Int32
        public let path: String
        public let size: Int

        /// Nil when the file cannot be opened or is not a regular file: `size(of:)` and
        /// `read` then say why, as they always have.
        public init?(path: String) {
            // Looked at before it is opened, as `size(of:)` does: a pipe or a device is never opened.
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
            self.path = path
            self.size = Int(info.st_size)
        }

        deinit { close(descriptor) }

        /// `count` bytes at `offset`, as `FileBytes.read` reads them.
        public func read(offset: Int, count: Int) throws -> [UInt8] {
            try FileBytes.read(descriptor, path: path, offset: offset, count: count)
        }

        /// Fills `buffer` with the bytes at `offset`; false if the file has fewer or cannot be read.
        func read(into buffer: UnsafeMutableBufferPointer<UInt8>, offset: Int) -> Bool {
            guard let base = buffer.baseAddress else { return buffer.isEmpty }
            return FileBytes.fill(descriptor, base, count: buffer.count, offset: offset) == nil
        }
    }

    private static func read(_ descriptor: Int32, path: String, offset: Int, count: Int) throws -> [UInt8] {
        guard count > 0 else {
            guard count == 0 else { throw FileFormatError(path: path, "file is shorter than its header says") }
            return []
        }
        var got = 0
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { return }
            let outcome = fill(descriptor, base, count: count, offset: offset)
            got = outcome?.got ?? count
            failure = outcome?.errno ?? 0
            initialized = got
        }
        if failure != 0 { throw FileFormatError(path: path, "read failed: \(String(cString: strerror(failure)))") }
        guard got == count else {
            throw FileFormatError(path: path, "file is shorter than its header says (\(offset + got) bytes, needs \(offset + count))")
        }
        return bytes
    }

    /// Reads `count` bytes at `offset` into `base`: nil when all were read, else how many were
    /// and the error (0 at the end of the file).
    static func fill(_ descriptor: Int32, _ base: UnsafeMutablePointer<UInt8>, count: Int,
                     offset: Int) -> (got: Int, errno: Int32)? {
        var got = 0
        while got < count {
            let n = pread(descriptor, base + got, count - got, off_t(offset + got))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return (got, errno) }
            if n == 0 { return (got, 0) }
            got += n
        }
        return nil
    }

    /// The whole file.
    public static func readAll(_ path: String) throws -> [UInt8] {
        try read(path, offset: 0, count: try size(of: path))
    }
}

extension Array where Element == Int {
    /// The product of the dimensions, or nil when it overflows (a hostile header).
    public var checkedProduct: Int? {
        var n = 1
        for d in self {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }
}
