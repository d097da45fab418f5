import Foundation
import LRSEngine
import Testing

/// Atomic writes replace regular files only, and keep what the user had around them.
@Suite struct AtomicFileTests {
    func directory() throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-atomic-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func fileType(_ path: String) -> FileAttributeType? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
    }

    @Test func aDeviceIsWrittenInPlaceNotReplaced() throws {
        // `lrs schedule -o /dev/null` once renamed a regular file over the device.
        try AtomicFile.write(text: "rows\n", to: "/dev/null")
        #expect(fileType("/dev/null") == .typeCharacterSpecial)
    }

    @Test func aSymbolicLinkIsFollowedAndKept() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(text: "old", to: dir + "/real.csv")
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.csv", withDestinationPath: "real.csv")
        try AtomicFile.write(text: "new", to: dir + "/link.csv")
        #expect(fileType(dir + "/link.csv") == .typeSymbolicLink)
        #expect(try String(contentsOfFile: dir + "/real.csv", encoding: .utf8) == "new")
    }

    @Test func aReplacedFileKeepsItsPermissions() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/weights.safetensors"
        try AtomicFile.write(text: "old", to: path)
        chmod(path, 0o600)
        try AtomicFile.write(text: "new", to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        // Nothing is left behind beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["weights.safetensors"])
    }

    @Test func aDirectoryIsRefused() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write(text: "x", to: dir) }
        #expect(fileType(dir) == .typeDirectory)
    }
}
