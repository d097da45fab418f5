import Foundation

/// What `lrs` printed and how it ended.
typealias LRSRun = ProcessResult

/// The Tests directory and the package root, found from this file.
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
let packageRoot = testsDirectory.deletingLastPathComponent()

/// The `lrs` executable: beside the test bundle, or in the package's debug build.
let lrsExecutable: URL = {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("lrs")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    let bundleDirectory = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("lrs")
    if FileManager.default.isExecutableFile(atPath: bundleDirectory.path) { return bundleDirectory }
    return packageRoot.appendingPathComponent(".build/debug/lrs")
}()

/// Runs `lrs ARGUMENTS` in `directory` with colour off, within the runner's time limit.
func runLRS(_ arguments: [String], in directory: URL = packageRoot) throws -> LRSRun {
    try ProcessRunner.run(lrsExecutable.path, arguments, in: directory.path)
}
