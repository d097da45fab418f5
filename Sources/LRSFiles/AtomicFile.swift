import Foundation

/// Writes files so that a crash never leaves a half-written file under the final name:
/// the bytes go to a temporary file in the same directory, are flushed to disk, and the
/// temporary file is then renamed over the target (rename is atomic within a directory).
///
/// Only regular files are replaced. A symbolic link is followed, so the link stays and
/// its target gets the new bytes; a device or a pipe (`-o /dev/null`, `/dev/stdout`) is
/// written in place, since renaming over it would replace the device with a file.
public enum AtomicFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write '\(path)': \(reason)" }
    }

    /// Replaces `path` with `bytes`, atomically.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try bytes.withUnsafeBytes { try write(UnsafeRawBufferPointer($0), to: path) }
    }

    /// Replaces `path` with the text's UTF-8 bytes, atomically.
    public static func write(text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws {
        let target = resolvingLinks(path)
        var info = stat()
        let exists = stat(target, &info) == 0
        let kind = info.st_mode & S_IFMT
        if exists, kind == S_IFDIR { throw WriteError(path: path, reason: "it is a directory") }
        if exists, kind != S_IFREG {
            try writeInPlace(bytes, to: target, reported: path)
            return
        }
        // A replaced file keeps its permissions; a new one gets the usual 0666 less umask.
        let mode = exists ? info.st_mode & 0o7777 : 0o666 & ~currentUmask()
        try replace(target, with: bytes, mode: mode, reported: path)
    }

    private static func replace(_ path: String, with bytes: UnsafeRawBufferPointer, mode: mode_t,
                                reported: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        removeStaleTemporaries(of: url.lastPathComponent, in: directory)
        let template = directory + "/" + temporaryTemplate(for: url.lastPathComponent)
        var templateBytes = Array(template.utf8CString)
        let fd = templateBytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WriteError(path: reported, reason: String(cString: strerror(errno))) }
        let temporary = String(decoding: templateBytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        if let reason = writeAll(bytes, to: fd) {
            close(fd)
            throw WriteError(path: reported, reason: reason)
        }
        // The data must be on disk before the rename makes it visible under the final name.
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw WriteError(path: reported, reason: reason)
        }
        fchmod(fd, mode)
        close(fd)
        guard rename(temporary, path) == 0 else {
            throw WriteError(path: reported, reason: String(cString: strerror(errno)))
        }
        ok = true
        // Make the rename itself durable.
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    /// A device or pipe: opened and written, nothing renamed.
    private static func writeInPlace(_ bytes: UnsafeRawBufferPointer, to path: String, reported: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WriteError(path: reported, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        if let reason = writeAll(bytes, to: fd) { throw WriteError(path: reported, reason: reason) }
    }

    /// Every byte, however many writes it takes; the reason when one fails.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += n
        }
        return nil
    }

    /// The path a chain of symbolic links ends at (the path itself when it is none).
    static func resolvingLinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n > 0 else { return current }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : URL(fileURLWithPath: current).deletingLastPathComponent().path + "/" + link
        }
        return current
    }

    private static func currentUmask() -> mode_t {
        let mask = umask(0o022)
        umask(mask)
        return mask
    }
}
