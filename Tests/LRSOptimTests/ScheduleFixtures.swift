import Foundation
import Testing
@testable import LRSOptim

/// Reads the PyTorch-computed fixtures under Tests/Fixtures/schedules.
enum ScheduleFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/schedules")

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

    /// `epoch,loss` of a plateau case.
    static func losses(_ directory: String) throws -> [Double] {
        let text = try String(contentsOf: root.appendingPathComponent(directory).appendingPathComponent("losses.csv"),
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

    enum FixtureError: Error { case malformed(String) }
}

/// |got - want| <= 1e-9 |want|, or <= 1e-18 when want is 0 (the reference tolerances).
func closeToTorch(_ got: Double, _ want: Double) -> Bool {
    if got == want { return true }
    return abs(got - want) <= max(1e-9 * abs(want), 1e-18)
}

/// The cycled momentum of every group for every optimizer step, recorded in the same
/// loop as `RateTable.compute` (only for groups whose schedule cycles it).
func momentumRows(_ input: [RateTable.Group], epochs: Int, stepsPerEpoch: Int) throws -> [ScheduleFixtures.Row] {
    var schedules = input.map(\.schedule)
    var rows: [ScheduleFixtures.Row] = []
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
