@testable import LRSFiles
import Foundation

import Testing
import TestSupport

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

    /// The id of a process that has exited.
    func deadPID() throws -> Int32 {
        let process = try ProcessRunner.start("/bin/sh", ["-c", "exit 0"])
        _ = process.wait(timeout: 30)
        return process.pid
    }

    func touch(_ path: String, secondsAgo: Double) {
        _ = FileManager.default.createFile(atPath: path, contents: Data("partial".utf8))
        let when = Date().addingTimeInterval(-secondsAgo)
        try? FileManager.default.setAttributes([.modificationDate: when], ofItemAtPath: path)
    }

    @Test func aWriteRemovesItsTargetsDeadTemporariesOnly() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let dead = try deadPID()
        let removed = [
            ".c.safetensors.tmp-\(dead)-Ab3xYz",  // its writer was killed
            ".c.safetensors.tmp-q1W2e3",           // lrs 1.0's name, from before this process
        ]
        let kept = [
            ".c.safetensors.tmp-\(getpid())-Ab3xYz",   // this process may be writing it
            ".c.safetensors.tmp-\(getppid())-Ab3xYz",  // a live writer
            ".d.safetensors.tmp-\(dead)-Ab3xYz",       // another target's
            ".c.safetensors.tmp-\(dead)-Ab3xY",        // not mkstemp's six characters
            ".c.safetensors.tmp-x\(dead)-Ab3xYz",
            "c.safetensors.tmp-\(dead)-Ab3xYz",
            ".c.safetensors.tmp-\(dead)-Ab3xYz.keep",
        ]
        for name in removed + kept { touch(dir + "/" + name, secondsAgo: 3600) }
        // Dead, but written since this process started: a writer elsewhere may own it.
        touch(dir + "/.c.safetensors.tmp-\(dead)-Recent", secondsAgo: -60)
        touch(dir + "/.c.safetensors.tmp-Recent", secondsAgo: -60)
        try AtomicFile.write(text: "new", to: dir + "/c.safetensors")
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
        #expect(left == Set(kept + ["c.safetensors", ".c.safetensors.tmp-\(dead)-Recent", ".c.safetensors.tmp-Recent"]))
    }

    @Test func aLeftoverThatIsALinkIsNotFollowed() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        touch(dir + "/precious", secondsAgo: 3600)
        let link = dir + "/.c.tmp-\(try deadPID())-Ab3xYz"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "precious")
        try AtomicFile.write(text: "new", to: dir + "/c")
        #expect(FileManager.default.fileExists(atPath: dir + "/precious"))
        #expect(fileType(link) == .typeSymbolicLink)
    }
}
