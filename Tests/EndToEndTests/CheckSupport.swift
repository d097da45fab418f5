import Foundation

/// Runs the built `lrs` binary and captures what it prints.
struct LRSRun {
    let status: Int32
    let stdout: String
    let stderr: String
}

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

/// Runs `lrs ARGUMENTS` in `directory` with colour off.
func runLRS(_ arguments: [String], in directory: URL = packageRoot) throws -> LRSRun {
    let process = Process()
    process.executableURL = lrsExecutable
    process.arguments = arguments
    process.currentDirectoryURL = directory
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a large output cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return LRSRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                  stderr: String(decoding: errData, as: UTF8.self))
}
