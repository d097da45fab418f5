import Foundation
import Testing
import TestSupport

/// 200,000-term chains of each kind (`+ - * / %`, `and`/`or` in an expression, in a
/// hyperparameter, in a lambda, `or`/`and` in a selector) through `lrs check`,
/// `lrs schedule` and the REPL (piped standard input): each finishes, none crashes.
/// (With nested binary nodes each overflowed the stack at about 25,000 terms.)
@Suite(.serialized) struct LongChainEndToEndTests {
    static let terms = 200_000
    static let model = "input 4\nmodel < linear 4 3; relu; linear 3 2 >\n"
    static let expression = "let x = 1" + (0..<terms).map { ["+", "-", "*", "/", "%", " and ", " or "][$0 % 7] + "1" }.joined() + "\n"
    static let selectorOr = "group linear" + String(repeating: " or linear", count: terms) + " lr 0.1"
        + String(repeating: "+0", count: terms) + " as a\n"
    static let selectorAnd = "group 2" + String(repeating: " and linear", count: terms) + " lr 0.01 as b\n"
    static func lambda(_ group: String) -> String {
        "schedule \(group) lambda 0.9^epoch" + String(repeating: "*1", count: terms) + "\n"
    }
    /// Generous: a debug build on a busy machine; the point is that it ends, not how fast.
    static let limit: TimeInterval = 300

    func scratch(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrs-chains-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    @Test func checkAndScheduleTakeEveryKindOfChain() throws {
        let script = Self.model + Self.expression + Self.selectorOr + Self.selectorAnd + Self.lambda("b") + "train epochs 3\n"
        let directory = try scratch(["chains.lrs": script])
        defer { try? FileManager.default.removeItem(at: directory) }
        let check = try LRSBinary.run(["check", "chains.lrs"], in: directory.path, timeout: Self.limit)
        #expect(!check.timedOut && !check.crashed)
        #expect(check.status == 0, "\(check.stderr.prefix(400))")
        let schedule = try LRSBinary.run(["schedule", "chains.lrs"], in: directory.path, timeout: Self.limit)
        #expect(!schedule.timedOut && !schedule.crashed)
        #expect(schedule.status == 0, "\(schedule.stderr.prefix(400))")
        // b's rate at epoch 2 is 0.01 * 0.9^2 (the lambda's 200,000 factors of 1 change nothing).
        #expect(schedule.stdout.contains("0.0081"), "\(schedule.stdout.prefix(600))")
    }

    @Test(arguments: ["expression", "or", "and"])
    func replTakesEveryKindOfChain(_ kind: String) throws {
        let lines = ["expression": Self.expression + "group all lr x / 100\n",
                     "or": Self.selectorOr + Self.lambda("a"),
                     "and": Self.selectorAnd + "group rest lr 0.1\n" + Self.lambda("b")]
        let input = Self.model + (lines[kind] ?? "") + "show lr\n"
        let directory = try scratch(["input.txt": input])
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try LRSBinary.run(["repl"], in: directory.path, input: try String(contentsOf: directory.appendingPathComponent("input.txt"), encoding: .utf8),
                                   timeout: Self.limit)
        #expect(!run.timedOut && !run.crashed)
        #expect(run.status == 0, "\(run.stderr.prefix(400))")
        #expect(!run.stderr.contains("error:"), "\(run.stderr.prefix(400))")
    }
}
