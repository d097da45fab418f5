import Foundation
import Testing
import TestSupport

/// Golden files for diagnostics: each `Tests/Fixtures/language/diagnostics/NAME.lrs` is
/// checked by the built `lrs`, and its standard error must equal `NAME.stderr` exactly;
/// the exit status must be 1 when there are errors, else 0.
/// Re-record after an intended wording change with `LRS_RECORD=1 swift test --filter CheckGolden`
/// (the one switch for every golden file).
@Suite struct CheckGoldenTests {
    static let directory = LRSBinary.packageRoot.appendingPathComponent("Tests/Fixtures/language/diagnostics")
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".lrs") }.sorted()

    @Test(arguments: cases)
    func diagnosticsMatch(_ name: String) throws {
        let run = try LRSBinary.run(["check", name], in: CheckGoldenTests.directory.path)
        let expectedURL = CheckGoldenTests.directory.appendingPathComponent(name.replacingOccurrences(of: ".lrs", with: ".stderr"))
        if let problem = Golden.mismatch(run.stderr, expectedURL) { Issue.record(Comment(rawValue: problem)) }
        #expect(run.status == (run.stderr.contains(": error: ") ? 1 : 0))
        if run.status == 1 { #expect(run.stdout.isEmpty) }
    }

    @Test func everyCaseHasAGoldenFile() {
        #expect(CheckGoldenTests.cases.count >= 15)
        for name in CheckGoldenTests.cases {
            let golden = CheckGoldenTests.directory.appendingPathComponent(name.replacingOccurrences(of: ".lrs", with: ".stderr"))
            #expect(FileManager.default.fileExists(atPath: golden.path) || Golden.recording,
                    "\(name) has no .stderr")
        }
    }
}
