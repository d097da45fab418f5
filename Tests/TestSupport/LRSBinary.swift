import Foundation

/// Runs the built `lrs` executable as a user would, and captures what it prints.
public enum LRSBinary {
    /// The package's root directory, found from this file.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `lrs` built beside the test bundle (the same configuration as the tests).
    public static let path: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lrs"),
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("lrs"),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("lrs"),
            Bundle.main.bundleURL.appendingPathComponent("lrs"),
        ]
        for case let url? in candidates where FileManager.default.isExecutableFile(atPath: url.path) {
            return url.path
        }
        return packageRoot.appendingPathComponent(".build/debug/lrs").path
    }()

    /// The path of `Tests/Fixtures/RELATIVE`.
    public static func fixture(_ relative: String) -> String {
        packageRoot.appendingPathComponent("Tests/Fixtures/" + relative).path
    }

    /// Runs `lrs ARGS...` in `directory` (the package root when nil) with `input` on standard
    /// input, within a time limit.
    public static func run(_ arguments: [String], in directory: String? = nil, input: String = "",
                           environment: [String: String] = [:],
                           timeout: TimeInterval = ProcessRunner.defaultTimeout) throws -> ProcessResult {
        try ProcessRunner.run(path, arguments, in: directory ?? packageRoot.path, input: input,
                              environment: environment, timeout: timeout)
    }

    /// Starts `lrs ARGS...` for a test that signals it; `wait(timeout:)` ends it.
    public static func start(_ arguments: [String], in directory: String, input: String = "",
                             ownGroup: Bool = false) throws -> RunningProcess {
        try ProcessRunner.start(path, arguments, in: directory, input: input, ownGroup: ownGroup)
    }

    /// A fresh directory holding copies of the given files (a case's inputs).
    public static func scratchCopy(of directory: String, excluding: Set<String> = []) throws -> String {
        let target = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) where !excluding.contains(name) {
            try FileManager.default.copyItem(atPath: directory + "/" + name, toPath: target + "/" + name)
        }
        return target
    }
}
