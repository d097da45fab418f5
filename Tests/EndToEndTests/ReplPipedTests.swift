import Foundation
import Testing

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
        let result = try TimedProcess.run(["repl"], in: dir, input: lines.joined(separator: "\n") + "\n", timeout: 90)
        #expect(!result.timedOut)
        #expect(result.seconds < 30, "3000 lines took \(result.seconds) s")
        #expect(result.status == 1)
        // The error is located on its line, after every line before it was kept.
        #expect(result.stderr.contains("<repl>:\(count + 1):"), "\(result.stderr)")
        #expect(result.stderr.contains("'nothing'"), "\(result.stderr)")
    }
}
