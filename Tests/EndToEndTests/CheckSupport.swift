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
    // Files, not pipes: a child that fills one pipe while we drain the other would block.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lrs-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let outURL = scratch.appendingPathComponent("stdout")
    let errURL = scratch.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    process.standardOutput = out
    process.standardError = err
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    let outData = try Data(contentsOf: outURL)
    let errData = try Data(contentsOf: errURL)
    return LRSRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                  stderr: String(decoding: errData, as: UTF8.self))
}
