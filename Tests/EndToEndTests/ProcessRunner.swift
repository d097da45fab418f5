import Foundation

/// What a finished child process printed and how it ended.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
    /// The child ran past its time limit and was killed.
    let timedOut: Bool
    /// The child ended by a signal (a crash, or the kill after its time limit), not by exiting.
    let crashed: Bool
    /// Wall time from start to end.
    let seconds: TimeInterval
}

/// The one way these tests start a process: input, output and errors go through files (a
/// child that fills one pipe while the test drains the other would block), and every child
/// has a time limit, after which it is killed and the result says so, so no test can hang CI.
enum ProcessRunner {
    /// Long enough for a debug build's slowest end-to-end case on a loaded 2-core machine.
    static let defaultTimeout: TimeInterval = 300

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                    input: String = "", environment: [String: String] = [:],
                    timeout: TimeInterval = defaultTimeout) throws -> ProcessResult {
        let scratch = NSTemporaryDirectory() + "lrs-process-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let inPath = scratch + "/stdin", outPath = scratch + "/stdout", errPath = scratch + "/stderr"
        guard FileManager.default.createFile(atPath: inPath, contents: Data(input.utf8)),
              FileManager.default.createFile(atPath: outPath, contents: nil),
              FileManager.default.createFile(atPath: errPath, contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var merged = ProcessInfo.processInfo.environment
        merged["NO_COLOR"] = "1"
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        let started = Date()
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            kill(process.processIdentifier, SIGKILL)
            finished.wait()
        }
        process.waitUntilExit()
        try stdin.close()
        try stdout.close()
        try stderr.close()
        let out = String(decoding: try Data(contentsOf: URL(fileURLWithPath: outPath)), as: UTF8.self)
        var err = String(decoding: try Data(contentsOf: URL(fileURLWithPath: errPath)), as: UTF8.self)
        if timedOut { err += "\n[test runner: killed after \(Int(timeout)) s]\n" }
        return ProcessResult(status: process.terminationStatus, stdout: out, stderr: err, timedOut: timedOut,
                             crashed: process.terminationReason == .uncaughtSignal,
                             seconds: Date().timeIntervalSince(started))
    }
}
