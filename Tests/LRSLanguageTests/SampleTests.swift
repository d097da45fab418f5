import Foundation
import Testing
@testable import LRSLanguage

/// Every sample checks clean (warnings and notes allowed), and opens with a comment.
@Suite struct SampleTests {
    static let samples: [String] = {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples")
        // Subdirectories too: a sample with its own files (samples/bert) has a folder.
        return ((try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".lrs") }.sorted().map { directory.appendingPathComponent($0).path }
    }()

    @Test func theSeedsAndTheCardAreThere() {
        let names = SampleTests.samples.map { URL(fileURLWithPath: $0).lastPathComponent }
        #expect(Set(["seed1.lrs", "seed2.lrs", "seed3.lrs", "card.lrs"]).isSubset(of: Set(names)))
    }

    @Test(arguments: samples)
    func checksClean(_ path: String) throws {
        let source = try #require(SourceFile(contentsOf: path))
        let result = Checker.check(source)
        #expect(!result.hasErrors, "\(DiagnosticRenderer().render(result.diagnostics, in: source))")
        #expect(source.text.hasPrefix("#"))
    }

    @Test func seedsAreTheContractsVerbatim() throws {
        let directory = URL(fileURLWithPath: SampleTests.samples.first { $0.hasSuffix("/seed1.lrs") } ?? "/")
            .deletingLastPathComponent()
        let seed1 = try String(contentsOf: directory.appendingPathComponent("seed1.lrs"), encoding: .utf8)
        #expect(seed1 == """
        # seed 1: different learning rates for conv and linear layers (Adam)
        input 3 28 28
        model < conv 3 16 3; relu; linear 10816 10 >
        optimizer adam
        group conv lr 0.01
        group linear lr 0.001

        """)
    }
}
