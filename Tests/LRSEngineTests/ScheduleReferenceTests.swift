import Foundation
import Testing
import TestSupport
@testable import LRSEngine
import LRSLanguage
import LRSOptim

/// Every rate (and cycled momentum) of every schedule case's script, through the engine's
/// schedule pipeline, against PyTorch's, to 1e-9 relative.
@Suite struct ScheduleReferenceTests {
    /// The visible reference cases' schedules (Tests/Fixtures/reference/sched_*) and the
    /// project's own (Tests/Fixtures/schedules/cases).
    static let caseNames = ScheduleCases.cases(in: "../reference").filter { $0.hasPrefix("sched_") }
        .map { "../reference/" + $0 }
        + ScheduleCases.cases(in: "cases").map { "cases/" + $0 }

    /// Epochs and steps per epoch of a case, from torch's rows.
    static func shape(_ path: String) throws -> (epochs: Int, stepsPerEpoch: Int) {
        let rows = try ScheduleCases.rows(path, "schedule.csv")
        let epochs = (rows.last?.epoch ?? -1) + 1
        return (epochs, ((rows.last?.step ?? -1) + 1) / max(epochs, 1))
    }

    @Test func everyCaseIsPresent() {
        #expect(Self.caseNames.count >= 30)
        #expect(ScheduleCases.cases(in: "long").count >= 6)
        #expect(ScheduleCases.cases(in: "plateau").count >= 4)
    }

    @Test(arguments: caseNames)
    func ratesMatchTorch(_ path: String) throws {
        let (epochs, stepsPerEpoch) = try Self.shape(path)
        let (script, resolution) = try ScheduleCases.checked(path, runLength: RunLength(epochs: epochs, stepsPerEpoch: stepsPerEpoch))
        let expected = try ScheduleCases.rows(path, "schedule.csv")
        let table: RateTable
        switch SchedulePreview.rates(script, resolution, epochs: epochs, stepsPerEpoch: stepsPerEpoch) {
        case .success(let (rates, _)): table = rates
        case .failure(let diagnostic): Issue.record("\(path): \(diagnostic.message)"); return
        }
        let width = table.groups.count
        #expect(table.rates.count == expected.count)
        for (i, row) in expected.enumerated() where i < table.rates.count {
            let got = table.rates[i]
            #expect(table.groups[i % width] == row.group)
            #expect(i / width == row.step)
            #expect(closeToTorch(got, row.value), "\(path) step \(row.step) \(row.group): \(got) vs torch \(row.value)")
        }
    }

    @Test(arguments: caseNames.filter { ScheduleCases.exists($0, "momentum.csv") })
    func cycledMomentumMatchesTorch(_ path: String) throws {
        let (epochs, stepsPerEpoch) = try Self.shape(path)
        let groups = try ScheduleCases.groups(path, stepsPerEpoch: stepsPerEpoch)
        let expected = try ScheduleCases.rows(path, "momentum.csv")
        let got = try momentumRows(groups, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) {
            #expect(g.step == e.step && g.group == e.group)
            #expect(closeToTorch(g.value, e.value), "\(path) step \(e.step) \(e.group): momentum \(g.value) vs torch \(e.value)")
        }
    }

    @Test(arguments: ScheduleCases.cases(in: "long"))
    func longRunsStayWithinTorchsRates(_ name: String) throws {
        let url = ScheduleCases.root.appendingPathComponent("long/\(name)/sampled.csv")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").dropFirst()
        var expected: [Int: (Double, Double)] = [:]
        for line in lines {
            let f = line.split(separator: ",")
            guard f.count == 3, let s = Int(f[0]), let lr = Double(f[1]), let m = Double(f[2]) else {
                Issue.record("malformed row \(line)")
                return
            }
            expected[s] = (lr, m)
        }
        let last = try #require(expected.keys.max())
        #expect(expected.count > 200)
        var schedule = try ScheduleCases.schedule("long/" + name)
        for step in 0...last {
            if let (lr, m) = expected[step] {
                #expect(closeToTorch(schedule.lr, lr), "\(name) step \(step): \(schedule.lr) vs torch \(lr)")
                #expect(closeToTorch(schedule.momentum?.value ?? 0.9, m), "\(name) step \(step): momentum")
            }
            try schedule.step()
        }
    }

    @Test(arguments: ScheduleCases.cases(in: "plateau"))
    func plateauMatchesTorchOnRecordedLosses(_ name: String) throws {
        let losses = try ScheduleCases.lastColumn("plateau/" + name, "losses.csv")
        let expected = try ScheduleCases.rows("plateau/" + name, "schedule.csv")
        var schedule = try ScheduleCases.schedule("plateau/" + name)
        #expect(schedule.needsMetric)
        #expect(expected.count == losses.count)
        for (row, loss) in zip(expected, losses) {
            #expect(closeToTorch(schedule.lr, row.value), "\(name) epoch \(row.epoch): \(schedule.lr) vs torch \(row.value)")
            try schedule.step(metric: loss)
        }
    }
}

/// A schedule resumed from its saved state continues bit for bit.
@Suite struct ScheduleResumeTests {
    /// Steps one group's schedule `count` times, recording (lr, momentum) before each step.
    static func trace(_ schedule: inout GroupSchedule, _ count: Int) throws -> [Double] {
        var out: [Double] = []
        for _ in 0..<count {
            out.append(schedule.lr)
            out.append(schedule.momentum?.value ?? -1)
            try schedule.step()
        }
        out.append(schedule.lr)
        return out
    }

    @Test(arguments: ScheduleReferenceTests.caseNames)
    func resumedScheduleContinuesBitForBit(_ path: String) throws {
        let (epochs, stepsPerEpoch) = try ScheduleReferenceTests.shape(path)
        let steps = epochs * stepsPerEpoch
        let fresh = { try ScheduleCases.groups(path, stepsPerEpoch: stepsPerEpoch, epochs: epochs) }
        for (g, group) in try fresh().enumerated() {
            guard var whole = group.schedule else { continue }
            let count = group.perStep ? steps : epochs
            let expected = try Self.trace(&whole, count)
            for split in Set([1, count / 2, max(count - 1, 1)]) where split < count {
                var first = try #require(try fresh()[g].schedule)
                var head = try Self.trace(&first, split)
                head.removeLast()
                // Through JSON, as a checkpoint would store it.
                let encoder = JSONEncoder()
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let saved = try decoder.decode(ScheduleState.self, from: encoder.encode(first.state))
                #expect(saved == first.state)
                var resumed = try #require(try fresh()[g].schedule)
                try resumed.restore(saved)
                let tail = try Self.trace(&resumed, count - split)
                #expect(head + tail == expected, "\(path) group \(g) resumed after \(split) steps")
            }
        }
    }

    @Test func resumedPlateauContinuesBitForBit() throws {
        let name = "plateau/plateau_cooldown_abs"
        let losses = try ScheduleCases.lastColumn(name, "losses.csv")
        var whole = try ScheduleCases.schedule(name)
        var expected: [Double] = []
        for loss in losses { expected.append(whole.lr); try whole.step(metric: loss) }
        var first = try ScheduleCases.schedule(name)
        var got: [Double] = []
        for loss in losses.prefix(17) { got.append(first.lr); try first.step(metric: loss) }
        var resumed = try ScheduleCases.schedule(name)
        try resumed.restore(first.state)
        for loss in losses.dropFirst(17) { got.append(resumed.lr); try resumed.step(metric: loss) }
        #expect(got == expected)
        #expect(Set(expected).count > 3, "the case reduces the rate several times")
    }
}
