import Foundation

/// Paths of the committed test fixtures (Tests/Fixtures), found from the package root
/// so the tests run from any working directory.
public enum Fixtures {
    public static let root: String = LRSBinary.packageRoot.appendingPathComponent("Tests/Fixtures").path

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// A fresh, empty directory for one test's files.
    public static func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "lrs-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
