import Foundation

/// Runs the built `lrs` with a time limit: a hang (or a crash) fails the test instead of
/// holding the run. Standard input comes from a file, outputs go to files (no pipe can
/// fill and block the child).
enum TimedRun {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
        /// True when the limit passed and the process was ended.
        let timedOut: Bool
        /// Whether the process ended by a signal (a crash), not by exiting.
        let crashed: Bool
    }

    static func lrs(_ arguments: [String], in directory: URL, stdin: URL? = nil, timeout: TimeInterval) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: LRSBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let outURL = directory.appendingPathComponent(".timed-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent(".timed-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        if let stdin { process.standardInput = try FileHandle(forReadingFrom: stdin) }
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            finished.wait()
        }
        try out.close()
        try err.close()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self),
                      timedOut: timedOut, crashed: process.terminationReason == .uncaughtSignal)
    }
}
