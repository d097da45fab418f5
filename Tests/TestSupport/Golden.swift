import Foundation

/// Golden files: output a test compares byte for byte with a committed file, under
/// Tests/Fixtures. One switch re-records them all after an intended change:
///
///     LRS_RECORD=1 swift test --disable-xctest
///
/// (or with `--filter` for some), then review the diff before committing it.
public enum Golden {
    /// `LRS_RECORD` is set: golden files are written, not compared.
    public static let recording: Bool = !(ProcessInfo.processInfo.environment["LRS_RECORD"] ?? "").isEmpty

    /// Tests/Fixtures/golden, where the golden files of command output live.
    public static let root: URL = LRSBinary.packageRoot.appendingPathComponent("Tests/Fixtures/golden")

    /// Compares `actual` with the golden file at `url`, or records it there when recording.
    /// Returns nil when they agree, else what differs (the first differing line), for the
    /// test to report.
    public static func mismatch(_ actual: String, _ url: URL) -> String? {
        if recording {
            do {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: url)
                return nil
            } catch {
                return "could not record \(relative(url)): \(error)"
            }
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            return "no golden file \(relative(url)); record it with LRS_RECORD=1"
        }
        if actual == expected { return nil }
        let got = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
        let show = { (lines: [Substring]) in line < lines.count ? "'\(lines[line])'" : "(end)" }
        return "\(relative(url)) differs at line \(line + 1): got \(show(got)), expected \(show(want)); "
            + "if the change is intended, re-record with LRS_RECORD=1"
    }

    /// `mismatch` for a golden file under Tests/Fixtures/golden.
    public static func mismatch(_ actual: String, golden relativePath: String) -> String? {
        mismatch(actual, root.appendingPathComponent(relativePath))
    }

    /// The path from the package root, as messages show it.
    static func relative(_ url: URL) -> String {
        let rootPath = LRSBinary.packageRoot.path + "/"
        return url.path.hasPrefix(rootPath) ? String(url.path.dropFirst(rootPath.count)) : url.lastPathComponent
    }
}
