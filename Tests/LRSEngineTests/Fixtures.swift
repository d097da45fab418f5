import Foundation

/// Paths of the committed test fixtures (Tests/Fixtures), found from this file's location
/// so the tests run from any working directory.
enum Fixtures {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// A fresh, empty directory for one test's files.
    static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "lrs-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
