import Foundation
import Testing
import TestSupport
@testable import LRSEngine
import LRSLanguage
import LRSOptim

/// The PyTorch-computed schedule cases under Tests/Fixtures/schedules and the visible
/// reference cases' `sched_*`: each folder holds the script (`case.lrs`) and torch's rates
/// (`schedule.csv`, `momentum.csv`, or `sampled.csv` for the long runs).
enum ScheduleCases {
    static let root = URL(fileURLWithPath: Fixtures.path("schedules"))

    struct Row: Equatable {
        var epoch: Int
        var step: Int
        var group: String
        var value: Double
    }

    /// `epoch,step,group,VALUE` rows of a case file (`schedule.csv`, `momentum.csv`).
    static func rows(_ directory: String, _ file: String) throws -> [Row] {
        let text = try String(contentsOf: root.appendingPathComponent(directory).appendingPathComponent(file),
                              encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",")
            guard f.count == 4, let e = Int(f[0]), let s = Int(f[1]), let v = Double(f[3]) else {
                throw FixtureError.malformed(String(line))
            }
            return Row(epoch: e, step: s, group: String(f[2]), value: v)
        }
    }

    static func exists(_ directory: String, _ file: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(directory).appendingPathComponent(file).path)
    }

    /// The last column of a case's CSV file (`losses.csv`: `epoch,loss`).
    static func lastColumn(_ directory: String, _ file: String) throws -> [Double] {
        let text = try String(contentsOf: root.appendingPathComponent(directory).appendingPathComponent(file),
                              encoding: .utf8)
        return try text.split(separator: "\n").dropFirst().map { line in
            guard let v = line.split(separator: ",").last.flatMap({ Double($0) }) else {
                throw FixtureError.malformed(String(line))
            }
            return v
        }
    }

    /// Subdirectories of `directory` (case names).
    static func cases(in directory: String) -> [String] {
        let url = root.appendingPathComponent(directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { !$0.hasPrefix(".") && !$0.hasSuffix(".py") }.sorted()
    }

    /// The case's `case.lrs`, checked and its groups resolved, as `lrs schedule` does (with
    /// `--epochs` and `--steps-per-epoch` as `runLength`).
    static func checked(_ directory: String, runLength: RunLength = RunLength()) throws -> (CheckedScript, GroupResolution) {
        let path = root.appendingPathComponent(directory).appendingPathComponent("case.lrs").path
        let source = try #require(SourceFile(contentsOf: path))
        let outcome = CheckPipeline.run(source, options: Checker.Options(runLength: runLength))
        let errors = outcome.diagnostics.filter { $0.severity == .error }
        guard let script = outcome.script, let resolution = outcome.resolution, errors.isEmpty else {
            throw FixtureError.script(directory, errors.map(\.message))
        }
        return (script, resolution)
    }

    /// The case's rate table as `lrs schedule` computes it.
    static func table(_ directory: String, epochs: Int, stepsPerEpoch: Int) throws -> RateTable {
        let (script, resolution) = try checked(directory, runLength: RunLength(epochs: epochs, stepsPerEpoch: stepsPerEpoch))
        switch SchedulePreview.rates(script, resolution, epochs: epochs, stepsPerEpoch: stepsPerEpoch) {
        case .success(let (table, _)): return table
        case .failure(let diagnostic): throw FixtureError.script(directory, [diagnostic.message])
        }
    }

    /// Each group of the case's script with its schedule lowered as a run lowers it.
    static func groups(_ directory: String, stepsPerEpoch: Int, epochs: Int? = nil) throws -> [RateTable.Group] {
        let (_, resolution) = try checked(directory, runLength: RunLength(epochs: epochs, stepsPerEpoch: stepsPerEpoch))
        var groups: [RateTable.Group] = []
        for group in resolution.groups {
            let lowered: GroupScheduleLowering.Lowered
            do {
                lowered = try GroupScheduleLowering.make(group, stepsPerEpoch: stepsPerEpoch)
            } catch {
                throw FixtureError.script(directory, [error.message])
            }
            groups.append(RateTable.Group(name: group.name, lr: lowered.schedule?.lr ?? group.learningRate,
                                          schedule: lowered.schedule, perStep: lowered.perStep))
        }
        return groups
    }

    /// The one group's schedule of a single-group case.
    static func schedule(_ directory: String, stepsPerEpoch: Int = 1) throws -> GroupSchedule {
        let groups = try groups(directory, stepsPerEpoch: stepsPerEpoch)
        guard groups.count == 1, let schedule = groups[0].schedule else {
            throw FixtureError.script(directory, ["expected one group with a schedule"])
        }
        return schedule
    }

    enum FixtureError: Error {
        case malformed(String)
        case script(String, [String])
    }
}

/// |got - want| <= 1e-9 |want|, or <= 1e-18 when want is 0 (the reference tolerances).
func closeToTorch(_ got: Double, _ want: Double) -> Bool {
    if got == want { return true }
    return abs(got - want) <= max(1e-9 * abs(want), 1e-18)
}

/// The cycled momentum of every group for every optimizer step, recorded in the same
/// loop as `RateTable.compute` (only for groups whose schedule cycles it).
func momentumRows(_ input: [RateTable.Group], epochs: Int, stepsPerEpoch: Int) throws -> [ScheduleCases.Row] {
    var schedules = input.map(\.schedule)
    var rows: [ScheduleCases.Row] = []
    var step = 0
    for epoch in 0..<epochs {
        for _ in 0..<stepsPerEpoch {
            for (g, s) in schedules.enumerated() {
                if let m = s?.momentum { rows.append(.init(epoch: epoch, step: step, group: input[g].name, value: m.value)) }
            }
            for g in input.indices where input[g].perStep { try schedules[g]?.step() }
            step += 1
        }
        for g in input.indices where !input[g].perStep { try schedules[g]?.step() }
    }
    return rows
}
