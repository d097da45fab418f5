import Foundation
import Testing
import TestSupport

/// What `lrs check` and `lrs schedule` print for the samples and a few fixtures, against
/// golden files under Tests/Fixtures/golden, so a change to a report shows in review.
/// Re-record after an intended change with `LRS_RECORD=1 swift test --filter GoldenOutput`.
@Suite struct GoldenOutputTests {
    /// Every sample, and the fixtures whose groups come from files or predicates.
    static let scripts: [String] = {
        let samples = ((try? FileManager.default.contentsOfDirectory(
            atPath: LRSBinary.packageRoot.appendingPathComponent("samples").path)) ?? [])
            .filter { $0.hasSuffix(".lrs") }.sorted().map { "samples/" + $0 }
        return samples + [
            "Tests/Fixtures/reference/train_seed3/case.lrs",
            "Tests/Fixtures/reference-own/groups_each_layer/case.lrs",
            "Tests/Fixtures/reference-own/groups_mixed_kinds/case.lrs",
            "Tests/Fixtures/reference-own/groups_select_freeze/case.lrs",
            "Tests/Fixtures/captures/vit_layers/case.lrs",
            "Tests/Fixtures/captures/thousand_parameters/case.lrs",
            "Tests/Fixtures/nested/gpt/case.lrs",
            "Tests/Fixtures/nested/resnet/case.lrs",
        ]
    }()

    /// `samples/seed1.lrs` -> `seed1`; `Tests/Fixtures/reference/train_seed3/case.lrs` ->
    /// `reference.train_seed3`.
    static func name(_ script: String) -> String {
        let parts = script.split(separator: "/").map(String.init)
        if parts.first == "samples" { return String(parts.last!.dropLast(4)) }
        return parts.dropFirst(2).dropLast().joined(separator: ".")
    }

    /// Standard output, then standard error after a marker when there is any.
    static func transcript(_ result: ProcessResult) -> String {
        result.stderr.isEmpty ? result.stdout : result.stdout + "--- stderr\n" + result.stderr
    }

    static func expectGolden(_ text: String, _ path: String) {
        if let problem = Golden.mismatch(text, golden: path) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test(arguments: scripts)
    func checkReport(_ script: String) throws {
        let result = try LRSBinary.run(["check", script], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectGolden(Self.transcript(result), "check/\(Self.name(script)).txt")
    }

    @Test(arguments: ["samples/seed1.lrs", "samples/seed3.lrs", "samples/schedules.lrs", "samples/selectors.lrs",
                      "Tests/Fixtures/reference-own/groups_mixed_kinds/case.lrs",
                      "Tests/Fixtures/captures/vit_layers/case.lrs", "Tests/Fixtures/nested/gpt/case.lrs"])
    func checkJSON(_ script: String) throws {
        let result = try LRSBinary.run(["check", "--format", "json", script], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectGolden(result.stdout, "check-json/\(Self.name(script)).json")
    }

    @Test(arguments: ["seed2", "warmup_cosine", "schedules", "plateau", "layerwise_decay"])
    func scheduleTable(_ sample: String) throws {
        let result = try LRSBinary.run(["schedule", "samples/\(sample).lrs"], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectGolden(Self.transcript(result), "schedule/\(sample).txt")
    }

    /// The CSV of a few samples, over few enough steps to keep the files small.
    @Test(arguments: [("seed2", [String]()), ("layerwise_decay", []),
                      ("warmup_cosine", ["--epochs", "4", "--steps-per-epoch", "3"]),
                      ("schedules", ["--epochs", "6", "--steps-per-epoch", "2"])])
    func scheduleCSV(_ sample: String, _ options: [String]) throws {
        let result = try LRSBinary.run(["schedule", "samples/\(sample).lrs", "--format", "csv"] + options, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        Self.expectGolden(result.stdout, "schedule/\(sample).csv")
    }
}
