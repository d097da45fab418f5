import Foundation

/// Runs the built `lrs` executable as a user would, and captures what it prints.
enum LRSBinary {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `lrs` built beside the test bundle (the same configuration as the tests).
    static let path: String = {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("lrs"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("lrs"),
            Bundle.main.bundleURL.appendingPathComponent("lrs"),
            packageRoot.appendingPathComponent(".build/debug/lrs"),
        ]
        for case let url? in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
            return url.path
        }
        return packageRoot.appendingPathComponent(".build/debug/lrs").path
    }()

    static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/" + relative).path
    }

    /// Runs `lrs ARGS...` in `directory` with `input` on standard input.
    static func run(_ arguments: [String], in directory: String? = nil, input: String = "",
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        inp.fileHandleForWriting.write(input.data(using: .utf8) ?? Data())
        try? inp.fileHandleForWriting.close()
        // Read both pipes while the process runs, so a large output cannot block it.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh directory holding copies of the given files (a case's inputs).
    static func scratchCopy(of directory: String, excluding: Set<String> = []) throws -> String {
        let target = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !excluding.contains(name) {
            try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: target + "/" + name)
        }
        return target
    }
}
