import Foundation

/// Runs the built `lrs` executable as a user would, and captures what it prints.
enum LRSBinary {
    typealias Result = ProcessResult

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

    /// Runs `lrs ARGS...` in `directory` with `input` on standard input, within a time limit.
    static func run(_ arguments: [String], in directory: String? = nil, input: String = "",
                    environment: [String: String] = [:],
                    timeout: TimeInterval = ProcessRunner.defaultTimeout) throws -> Result {
        try ProcessRunner.run(path, arguments, in: directory, input: input, environment: environment,
                              timeout: timeout)
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
