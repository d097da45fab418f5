import Foundation
import Testing
import TestSupport

/// `A until 3 then B until 3 then C` through `lrs schedule`, against the rates PyTorch's
/// SequentialLR gives for the same milestones (Tests/Fixtures/schedules/cases, made by
/// cases.py): accepted, B skipped, with a warning that it never runs.
@Suite struct EqualMilestoneTests {
    @Test(arguments: [("sequential_equal_milestones", 10, 1), ("sequential_equal_zero_milestones", 9, 2)])
    func ratesMatchSequentialLR(_ name: String, _ epochs: Int, _ warnings: Int) throws {
        let directory = LRSBinary.packageRoot.appendingPathComponent("Tests/Fixtures/schedules/cases/" + name)
        let run = try LRSBinary.run(["schedule", "case.lrs", "--epochs", "\(epochs)", "--format", "csv"], in: directory.path, timeout: 120)
        #expect(run.status == 0 && !run.timedOut, "\(run.stderr)")
        #expect(run.stderr.components(separatedBy: "never runs").count - 1 == warnings, "\(run.stderr)")
        let expected = try String(contentsOf: directory.appendingPathComponent("schedule.csv"), encoding: .utf8)
        let want = expected.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        let got = run.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(got.count == want.count)
        for (g, w) in zip(got, want) {
            #expect(g.prefix(3) == w.prefix(3))
            let a = Double(g.last.map(String.init) ?? "") ?? .nan, b = Double(w.last.map(String.init) ?? "") ?? .nan
            #expect(abs(a - b) <= 1e-12 * abs(b), "\(name) epoch \(w.first ?? ""): \(a) vs torch \(b)")
        }
    }
}
