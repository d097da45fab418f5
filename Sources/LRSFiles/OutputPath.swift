import Foundation

/// Whether a file can be written where a command will write it. Every command asks before
/// any work starts, as the checker asks whether `init` and `data` files can be read: a
/// long run must not end by failing to save what it trained.
///
/// It mirrors `AtomicFile.write`: a symbolic link is followed; a regular file (or none) is
/// replaced through a temporary file in its directory, so that directory must exist and
/// be writable; a device or pipe is written in place, so it must be writable itself.
public enum OutputPath {
    /// Why `path` cannot be written (`.missingDirectory("nodir")`); nil when it can. `shown` is the path as the user wrote it, for naming its directory.
    public static func problem(_ path: String, shown: String? = nil) -> OutputProblem? {
        if path.isEmpty { return .emptyPath }
        let target = AtomicFile.resolvingLinks(path)
        var info = stat()
        if stat(target, &info) == 0 {
            let kind = info.st_mode & S_IFMT
            if kind == S_IFDIR { return .isDirectory }
            if kind != S_IFREG { return access(target, W_OK) == 0 ? nil : .notWritable }
        }
        if path.hasSuffix("/") { return .namesDirectory }
        let directory = parent(of: target)
        let named = target == path ? parent(of: shown ?? path) : directory
        var directoryInfo = stat()
        guard stat(directory, &directoryInfo) == 0 else {
            return errno == ENOTDIR ? .partIsNotDirectory(named) : .missingDirectory(named)
        }
        guard directoryInfo.st_mode & S_IFMT == S_IFDIR else { return .notDirectory(named) }
        guard access(directory, W_OK | X_OK) == 0 else { return .directoryNotWritable(named) }
        return nil
    }

    /// Why a directory a command will create (with its parents) and write into cannot be:
    /// the directory itself, or its nearest existing ancestor, must be a writable directory.
    public static func directoryProblem(_ path: String) -> OutputProblem? {
        if path.isEmpty { return .emptyPath }
        var current = path
        while true {
            var info = stat()
            if stat(current, &info) == 0 {
                guard info.st_mode & S_IFMT == S_IFDIR else { return .notDirectory(current) }
                return access(current, W_OK | X_OK) == 0 ? nil : .directoryNotWritable(current)
            }
            // A missing part, or a file where a directory should be: look further up.
            guard errno == ENOENT || errno == ENOTDIR else { return .unreachable(current) }
            let up = parent(of: current)
            if up == current { return .cannotCreate(current) }
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

/// Why an output cannot be written, as data; the wording is `description`, in this one place.
public enum OutputProblem: Equatable, Sendable, CustomStringConvertible {
    case emptyPath, isDirectory, notWritable, namesDirectory
    /// The path's directory (as the user wrote it) does not exist.
    case missingDirectory(String)
    /// A part of the path's directory is a file.
    case partIsNotDirectory(String)
    case notDirectory(String)
    case directoryNotWritable(String)
    /// Neither the path nor a parent could be looked at (a permission or I/O error).
    case unreachable(String)
    /// No part of a directory to create exists.
    case cannotCreate(String)

    public var description: String {
        switch self {
        case .emptyPath: "the path is empty"
        case .isDirectory: "it is a directory"
        case .notWritable: "it is not writable"
        case .namesDirectory: "it names a directory"
        case .missingDirectory(let d): "directory '\(d)' does not exist"
        case .partIsNotDirectory(let d): "a part of '\(d)' is not a directory"
        case .notDirectory(let d): "'\(d)' is not a directory"
        case .directoryNotWritable(let d): "directory '\(d)' is not writable"
        case .unreachable(let d): "'\(d)' cannot be reached"
        case .cannotCreate(let d): "'\(d)' cannot be created"
        }
    }
}
