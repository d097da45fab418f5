import Foundation
import Testing
import TestSupport

/// Every file a command writes is checked before it does any work (issue 12, item 3).
@Suite(.timeLimit(.minutes(1))) struct OutputFlagTests {
    static let script = """
        seed 0
        input 4
        model < linear 4 2 >
        optimizer sgd lr 0.1
        data synthetic samples 8 classes 2
        train epochs 1 batch 4
        """

    func workspace() throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-out-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.script.write(toFile: dir + "/run.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    @Test(arguments: [
        (["run", "run.lrs", "--trace", "nodir/t.jsonl"],
         "lrs run: cannot write 'nodir/t.jsonl' (--trace): directory 'nodir' does not exist\n"),
        (["run", "run.lrs", "--trace", "/"], "lrs run: cannot write '/' (--trace): it is a directory\n"),
        (["run", "run.lrs", "run.lrs", "--results", "nodir/r.csv"],
         "lrs run: cannot write 'nodir/r.csv' (--results): directory 'nodir' does not exist\n"),
        (["run", "run.lrs", "run.lrs", "--out", "run.lrs/runs"],
         "lrs run: cannot write 'run.lrs/runs' (--out): 'run.lrs' is not a directory\n"),
        (["export", "run.lrs", "--to", "pytorch", "-o", "nodir/x.py"],
         "lrs export: cannot write 'nodir/x.py' (-o): directory 'nodir' does not exist\n"),
        (["schedule", "run.lrs", "-o", "nodir/s.csv", "--format", "csv"],
         "lrs schedule: cannot write 'nodir/s.csv' (--output): directory 'nodir' does not exist\n"),
    ])
    func refusesAnUnwritableFlagBeforeWorking(_ arguments: [String], _ message: String) throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(arguments, in: dir)
        #expect(result.status == 1)
        #expect(result.stderr == message)
        #expect(result.stdout == "")
        #expect(!FileManager.default.fileExists(atPath: dir + "/runs"))
    }

    @Test func checkRefusesAnUnwritableSave() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try (Self.script + "\nsave \"nodir/x.safetensors\"\n").write(toFile: dir + "/run.lrs", atomically: true, encoding: .utf8)
        let result = try LRSBinary.run(["check", "run.lrs"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("run.lrs:7:6: error: cannot write 'nodir/x.safetensors': directory 'nodir' does not exist\n"))
    }
}
