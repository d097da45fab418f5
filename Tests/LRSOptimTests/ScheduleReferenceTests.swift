import Foundation
import Testing
@testable import LRSOptim

/// Every rate (and cycled momentum) of every fixture case against PyTorch's, to 1e-9 relative.
@Suite struct ScheduleReferenceTests {
    /// The visible reference cases' schedules (Tests/Fixtures/reference/sched_*) and the
    /// project's own (Tests/Fixtures/schedules/cases).
    static let caseNames = ScheduleFixtures.cases(in: "../reference").filter { $0.hasPrefix("sched_") }
        .map { "../reference/" + $0 }
        + ScheduleFixtures.cases(in: "cases").map { "cases/" + $0 }

    @Test func everyFixtureHasAMapping() throws {
        #expect(Self.caseNames.count >= 30)
        for path in Self.caseNames {
            let name = String(path.split(separator: "/").last ?? "")
            #expect(try ScheduleReferenceCases.groups(name) != nil, "no Swift mapping for \(path)")
        }
    }

    @Test(arguments: caseNames)
    func ratesMatchTorch(_ path: String) throws {
        let name = String(path.split(separator: "/").last ?? "")
        let groups = try #require(try ScheduleReferenceCases.groups(name))
        let expected = try ScheduleFixtures.rows(path, "schedule.csv")
        let width = groups.count
        let steps = expected.count / width
        let epochs = (expected.last?.epoch ?? -1) + 1
        let table = try RateTable.compute(groups, epochs: epochs, stepsPerEpoch: steps / max(epochs, 1))
        #expect(table.rates.count == expected.count)
        for (i, row) in expected.enumerated() where i < table.rates.count {
            let got = table.rates[i]
            #expect(table.groups[i % width] == row.group)
            #expect(i / width == row.step)
            #expect(closeToTorch(got, row.value), "\(path) step \(row.step) \(row.group): \(got) vs torch \(row.value)")
        }
    }

    @Test(arguments: caseNames.filter { ScheduleFixtures.exists($0, "momentum.csv") })
    func cycledMomentumMatchesTorch(_ path: String) throws {
        let name = String(path.split(separator: "/").last ?? "")
        let groups = try #require(try ScheduleReferenceCases.groups(name))
        let expected = try ScheduleFixtures.rows(path, "momentum.csv")
        let lrRows = try ScheduleFixtures.rows(path, "schedule.csv")
        let epochs = (lrRows.last?.epoch ?? -1) + 1
        let stepsPerEpoch = ((lrRows.last?.step ?? -1) + 1) / max(epochs, 1)
        let got = try momentumRows(groups, epochs: epochs, stepsPerEpoch: stepsPerEpoch)
        #expect(got.count == expected.count)
        for (g, e) in zip(got, expected) {
            #expect(g.step == e.step && g.group == e.group)
            #expect(closeToTorch(g.value, e.value), "\(path) step \(e.step) \(e.group): momentum \(g.value) vs torch \(e.value)")
        }
    }

    @Test(arguments: ScheduleFixtures.cases(in: "long"))
    func longRunsStayWithinTorchsRates(_ name: String) throws {
        let spec = try #require(ScheduleReferenceCases.long(name))
        let url = ScheduleFixtures.root.appendingPathComponent("long/\(name)/sampled.csv")
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
        var schedule = try GroupSchedule(spec, initialLR: 0.1, initialMomentum: .momentum(0.9))
        for step in 0...last {
            if let (lr, m) = expected[step] {
                #expect(closeToTorch(schedule.lr, lr), "\(name) step \(step): \(schedule.lr) vs torch \(lr)")
                #expect(closeToTorch(schedule.momentum?.value ?? 0.9, m), "\(name) step \(step): momentum")
            }
            try schedule.step()
        }
    }

    @Test(arguments: ScheduleFixtures.cases(in: "plateau"))
    func plateauMatchesTorchOnRecordedLosses(_ name: String) throws {
        let options = try #require(ScheduleReferenceCases.plateau(name))
        let losses = try ScheduleFixtures.losses("plateau/" + name)
        let expected = try ScheduleFixtures.rows("plateau/" + name, "schedule.csv")
        var schedule = try GroupSchedule(.plateau(options), initialLR: 0.1, initialMomentum: .momentum(0))
        #expect(schedule.needsMetric)
        #expect(expected.count == losses.count)
        for (row, loss) in zip(expected, losses) {
            #expect(closeToTorch(schedule.lr, row.value), "\(name) epoch \(row.epoch): \(schedule.lr) vs torch \(row.value)")
            try schedule.step(metric: loss)
        }
    }
}
