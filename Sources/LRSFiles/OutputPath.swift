import Foundation

/// Whether a file can be written where a command will write it. Every command asks before
/// any work starts, as the checker asks whether `init` and `data` files can be read: a
/// long run must not end by failing to save what it trained.
///
/// It mirrors `AtomicFile.write`: a symbolic link is followed; a regular file (or none) is
/// replaced through a temporary file in its directory, so that directory must exist and
/// be writable; a device or pipe is written in place, so it must be writable itself.
public enum OutputPath {
    /// Why `path` cannot be written, in words ("directory 'nodir' does not exist"); nil
    /// when it can. `shown` is the path as the user wrote it, for naming its directory.
    public static func problem(_ path: String, shown: String? = nil) -> String? {
        if path.isEmpty { return "the path is empty" }
        let target = AtomicFile.resolvingLinks(path)
        var info = stat()
        if stat(target, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { return "it is a directory" }
            if kind != S_IFREG { return access(target, W_OK) == 0 ? nil : "it is not writable" }
        }
        if path.hasSuffix("/") { return "it names a directory" }
        let directory = parent(of: target)
        let named = target == path ? parent(of: shown ?? path) : directory
        var directoryInfo = stat()
        guard stat(directory, &directoryInfo) == 0 else {
            return errno == ENOTDIR ? "a part of '\(named)' is not a directory" : "directory '\(named)' does not exist"
        }
        guard directoryInfo.st_mode & S_IFMT == S_IFDIR else { return "'\(named)' is not a directory" }
        guard access(directory, W_OK | X_OK) == 0 else { return "directory '\(named)' is not writable" }
        return nil
    }

    /// Why a directory a command will create (with its parents) and write into cannot be:
    /// the directory itself, or its nearest existing ancestor, must be a writable directory.
    public static func directoryProblem(_ path: String) -> String? {
        if path.isEmpty { return "the path is empty" }
        var current = path
        while true {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { return "'\(current)' is not a directory" }
                return access(current, W_OK | X_OK) == 0 ? nil : "directory '\(current)' is not writable"
            }
            // A missing part, or a file where a directory should be: look further up.
            guard errno == ENOENT || errno == ENOTDIR else { return "'\(current)' cannot be reached" }
            let up = parent(of: current)
            if up == current { return "'\(current)' cannot be created" }
            current = up
        }
    }

    /// The message for an output named by a command-line flag:
    /// `cannot write 'nodir/t.jsonl' (--trace): directory 'nodir' does not exist`.
    public static func flagProblem(_ flag: String, _ path: String, directory: Bool = false) -> String? {
        guard let reason = directory ? directoryProblem(path) : problem(path) else { return nil }
        return "cannot write '\(path)' (\(flag)): \(reason)"
    }

    /// The directory a path's file is in, textually: `a/b` of `a/b/c`, `.` of `c`, `/` of `/c`.
    static func parent(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }
}
