import Foundation

extension SourceFile {
    /// Why `path` cannot be read as a script, in the system's words lower-cased ("no such
    /// file or directory", "permission denied", "is a directory"); nil when it can.
    public static func unreadableReason(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return String(cString: strerror(errno)).lowercased() }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            return String(cString: strerror(EISDIR)).lowercased()
        }
        return nil
    }
}

extension SourceFile {
    /// "cannot read 'x.lrs': no such file or directory", for a script that cannot be read
    /// (`path` is opened, `shown` is how the user wrote it).
    public static func cannotRead(_ path: String, shownAs shown: String? = nil) -> String {
        "cannot read '\(shown ?? path)'" + (unreadableReason(path).map { ": " + $0 } ?? "")
    }
}
