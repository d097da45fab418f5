import Foundation
import Testing
import TestSupport

/// Messages of the command line itself: usage of the right subcommand, why a file cannot
/// be read, each said once.
@Suite struct CommandLineMessageTests {
    static let script = """
        model < stem: linear 4 8; relu; head: linear 8 3 >
        group stem lr 0.1
        group head lr 0.01
        """

    func workspace() throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/adir", withIntermediateDirectories: true)
        try Self.script.write(toFile: dir + "/net.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func explainOfNoParameterShowsCheckUsageAndTheNearest() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["check", "net.lrs", "--explain", "stem.wieght"], in: dir, timeout: 60)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no parameter is named 'stem.wieght' in 'net.lrs'; did you mean 'stem.weight'?"),
                "\(result.stderr)")
        #expect(result.stderr.contains("Usage: lrs check <files>"), "\(result.stderr)")
        #expect(!result.stderr.contains("<subcommand>"), "\(result.stderr)")
    }

    @Test func cannotReadSaysWhy() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try LRSBinary.run(["check", "nofile.lrs"], in: dir, timeout: 60)
        #expect(missing.status == 1)
        #expect(missing.stderr == "lrs check: cannot read 'nofile.lrs': no such file or directory\n")
        let directory = try LRSBinary.run(["check", "adir"], in: dir, timeout: 60)
        #expect(directory.stderr == "lrs check: cannot read 'adir': is a directory\n")
    }

    @Test func exportToAMissingDirectorySaysSoOnce() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["export", "net.lrs", "--to", "pytorch", "-o", "nodir/x.py"], in: dir, timeout: 60)
        #expect(result.status == 1)
        #expect(result.stderr.components(separatedBy: "cannot write").count == 2, "\(result.stderr)")
    }
}
