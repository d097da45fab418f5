import Foundation

/// Whether a file named by a script can be read, without reading it.
enum FileProbe {
    enum Status { case readable, missing, unreadable }

    static func check(_ path: String) -> Status {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue { return .unreadable }
        return FileManager.default.isReadableFile(atPath: path) ? .readable : .unreadable
    }
}
