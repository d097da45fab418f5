import Foundation
import Testing
import TestSupport

/// The REPL with its input piped, as a script reads: long sessions, located errors.
@Suite struct ReplPipedTests {
    func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-repl-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Each line is checked against what was checked before, not with every line again:
    /// 3,000 `let` lines took minutes (each re-checked the whole session).
    @Test func aLongSessionCostsItsLengthNotItsSquare() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let count = 3000
        let lines = (1 ... count).map { "let x\($0) = \($0)" } + ["let y = x\(count) + nothing"]
        let result = try LRSBinary.run(["repl"], in: dir, input: lines.joined(separator: "\n") + "\n", timeout: 90)
        // Seconds when linear, minutes when quadratic: the time limit is the check.
        #expect(!result.timedOut, "3000 lines did not end within 90 s")
        #expect(result.status == 1)
        // The error is located on its line, after every line before it was kept.
        #expect(result.stderr.contains("<repl>:\(count + 1):"), "\(result.stderr)")
        #expect(result.stderr.contains("'nothing'"), "\(result.stderr)")
    }

    /// The same with a model: a `let` neither rebuilds the run nor copies the session.
    @Test func aLongSessionWithAModelCostsItsLength() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let count = 3000
        let lines = ["model < a: linear 4 8; relu; b: linear 8 3 >"] + (1 ... count).map { "let x\($0) = \($0)" }
            + ["group a lr x\(count) / 1e5", "group b lr 0.5", "show lr"]
        // Seconds in a debug build: a session that rebuilt or copied itself per line
        // (quadratic in its length) would not end within the limit; a wall-clock bound
        // tighter than that would only measure the machine's load.
        let result = try LRSBinary.run(["repl"], in: dir, input: lines.joined(separator: "\n") + "\n", timeout: 120)
        #expect(!result.timedOut, "\(count) lines did not end within 120 s")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("0.03"), "\(result.stdout)")
    }

    /// Errors of commands say where the command was typed, as every diagnostic does.
    @Test func commandErrorsAreLocated() throws {
        let dir = try scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = "undo\n\n  step\nlet a = 1\nexplain a.weight\n"
        let result = try LRSBinary.run(["repl"], in: dir, input: input, timeout: 60)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("<repl>:1:1: error: nothing to undo"), "\(result.stderr)")
        #expect(lines.contains("<repl>:3:3: error: there is no model yet: type a 'model' statement first"), "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("<repl>:5:1: error: ") }, "\(result.stderr)")
    }
}
