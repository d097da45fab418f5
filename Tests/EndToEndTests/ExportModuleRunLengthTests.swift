import Foundation
import Testing
import TestSupport

/// A checkpoint script whose schedules read a run length it does not fix (section 16): the
/// exported build(model, epochs=, steps_per_epoch=) takes it from its keywords and computes
/// the rates `lrs schedule --epochs --steps-per-epoch` computes; a missing keyword is a
/// ValueError naming it, and one the script fixes must agree.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportModuleRunLengthTests {
    /// Exports `script` of Tests/Fixtures/module and runs the harness's `runlength` on it.
    static func run(_ script: String, epochs: Int, steps: Int, in directory: String) throws -> [String: Any] {
        let export = try LRSBinary.run(["export", script, "--to", "pytorch", "-o", "made.py"], in: directory)
        try #require(export.status == 0, "lrs export failed: \(export.stderr)")
        return try ExportModuleTests.harness(["runlength", "made", "runlength.safetensors", "\(epochs)", "\(steps)"],
                                             in: directory)
    }

    /// A per-step wsd over total_steps, a per-epoch cosine over epochs and a per-step lambda
    /// reading total_steps: build(model, epochs=3, steps_per_epoch=10) goes through the rates
    /// of `lrs schedule FILE --epochs 3 --steps-per-epoch 10 --format csv`; so does a per-step
    /// lambda reading `epoch`, counted in build()'s steps_per_epoch steps, and a warm-up whose
    /// `until` milestone is a tenth of total_steps.
    @Test(arguments: ["runlength.lrs", "runlength_fixed.lrs", "runlength_epoch.lrs", "runlength_milestone.lrs"])
    func buildTakesTheRunLengthLrsScheduleIsGiven(_ script: String) throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("module"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (epochs, steps) = (3, 10)
        let result = try Self.run(script, epochs: epochs, steps: steps, in: directory)
        let csv = try LRSBinary.run(["schedule", script, "--epochs", "\(epochs)", "--steps-per-epoch", "\(steps)",
                                     "--format", "csv"], in: directory)
        try #require(csv.status == 0, "\(csv.stderr)")
        let rates = try #require(result["rates"] as? [[String: Double]])
        try #require(rates.count == epochs * steps)
        var rows = 0
        for row in csv.stdout.split(separator: "\n").dropFirst() {
            let cells = row.split(separator: ",").map(String.init)
            try #require(cells.count == 4)
            let step = try #require(Int(cells[1]))
            let want = try #require(Double(cells[3]))
            let got = try #require(rates[step][cells[2]], "no rate for \(cells[2])")
            #expect(Swift.abs(got - want) <= 1e-12 * Swift.abs(want), "step \(step), \(cells[2]): \(got), lrs \(want)")
            rows += 1
        }
        #expect(rows == epochs * steps * rates[0].count && rows > 0)
        // The wsd decays over the last 6 of the 30 steps (the lambda halves every epoch, the
        // cosine ends at 0): the rates do move with the keywords.
        let (group, start) = script.hasPrefix("runlength_e") || script.hasPrefix("runlength_m") ? ("all", 0.01) : ("body", 0.1)
        #expect(rates[29][group].map { $0 < start / 2 } == true)
    }

    /// build(model) without the keywords raises a ValueError naming each missing one and the
    /// schedule (with its line) that needs it; an epochs other than the script's is refused.
    @Test func aMissingOrDisagreeingKeywordIsAValueError() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("module"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let wsd = "the schedule of group 'body' (line 8: wsd 3 6 shape cosine min_factor 0.1) runs over total_steps"
        let open = try Self.run("runlength.lrs", epochs: 2, steps: 3, in: directory)
        #expect(open["without"] as? String == "build(model) needs epochs and steps_per_epoch: " + wsd)
        #expect(open["epochs only"] as? String == "build(model) needs steps_per_epoch: " + wsd)
        #expect(open["other epochs"] as? String == "ok")
        let fixed = try Self.run("runlength_fixed.lrs", epochs: 3, steps: 2, in: directory)
        let line9 = wsd.replacingOccurrences(of: "line 8", with: "line 9")
        #expect(fixed["without"] as? String == "build(model) needs steps_per_epoch: " + line9)
        #expect(fixed["epochs only"] as? String == "build(model) needs steps_per_epoch: " + line9)
        #expect(fixed["other epochs"] as? String == "build(model, epochs=4): the script's schedules were written for epochs=3")
    }

    /// A milestone from the run length is checked where build() computes it: `total_steps / 4`
    /// is 1 for 2 epochs of 2 steps, and refused for 3 epochs of 5, naming the line.
    @Test func anOpenMilestoneIsCheckedByBuild() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("module"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try String(contentsOfFile: directory + "/runlength_milestone.lrs", encoding: .utf8)
        try text.replacingOccurrences(of: "until round(total_steps / 10) then", with: "until total_steps / 4 then")
            .write(toFile: directory + "/quarter.lrs", atomically: true, encoding: .utf8)
        let whole = try Self.run("quarter.lrs", epochs: 2, steps: 2, in: directory)
        #expect((whole["rates"] as? [[String: Double]])?.count == 4)
        let refused = try Self.run("quarter.lrs", epochs: 3, steps: 5, in: directory)
        #expect(refused["error"] as? String == "the milestones [3.75] of the schedule on line 5 must be whole numbers, "
                + "at least 0 and in order, for this run length")
    }
}

/// `lrs check` accepts the script as it is; `lrs schedule` computes rates, so it names the
/// option it needs, exit 1, no crash (no torch needed).
@Suite struct OpenRunLengthCommandTests {
    @Test func checkAcceptsAndScheduleAsksForTheOptions() throws {
        let directory = LRSBinary.fixture("module")
        let check = try LRSBinary.run(["check", "runlength.lrs"], in: directory)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("schedule  wsd 3 6 shape cosine min_factor 0.1 (per step)"))
        let schedule = try LRSBinary.run(["schedule", "runlength.lrs"], in: directory)
        #expect(schedule.status == 1)
        #expect(schedule.stderr.contains("runlength.lrs:8:15: error: 'wsd' runs over 'total_steps', which is not known: "
                                         + "add 'train epochs N' (or give '--epochs')"), "\(schedule.stderr)")
        let epochsOnly = try LRSBinary.run(["schedule", "runlength.lrs", "--epochs", "3"], in: directory)
        #expect(epochsOnly.status == 1)
        #expect(epochsOnly.stderr.contains("give '--steps-per-epoch'"), "\(epochsOnly.stderr)")
        let given = try LRSBinary.run(["schedule", "runlength.lrs", "--epochs", "3", "--steps-per-epoch", "10"],
                                      in: directory)
        #expect(given.status == 0, "\(given.stderr)")
    }
}
