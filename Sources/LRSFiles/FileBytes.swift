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

    /// Reads `count` bytes at `offset`; fewer bytes than asked for is an error.
    public static func read(_ path: String, offset: Int, count: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileFormatError(path: path, "cannot open the file for reading")
        }
        defer { try? handle.close() }
        do {
            try handle.seek(toOffset: UInt64(offset))
            let data = try handle.read(upToCount: count) ?? Data()
            guard data.count == count else {
                throw FileFormatError(path: path, "file is shorter than its header says (\(offset + data.count) bytes, needs \(offset + count))")
            }
            return [UInt8](data)
        } catch let error as FileFormatError {
            throw error
        } catch {
            throw FileFormatError(path: path, "read failed: \(error.localizedDescription)")
        }
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
