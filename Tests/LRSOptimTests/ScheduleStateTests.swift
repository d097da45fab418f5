import Foundation
import Testing
@testable import LRSOptim

/// A schedule resumed from its saved state continues bit for bit.
@Suite struct ScheduleStateTests {
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
        let name = String(path.split(separator: "/").last ?? "")
        let rows = try ScheduleFixtures.rows(path, "schedule.csv")
        let epochs = (rows.last?.epoch ?? -1) + 1
        let steps = (rows.last?.step ?? -1) + 1
        let groups = try #require(try ScheduleReferenceCases.groups(name))
        for (g, group) in groups.enumerated() {
            guard var whole = group.schedule else { continue }
            let count = group.perStep ? steps : epochs
            let expected = try Self.trace(&whole, count)
            for split in Set([1, count / 2, max(count - 1, 1)]) where split < count {
                var first = try #require(try ScheduleReferenceCases.groups(name)?[g].schedule)
                var head = try Self.trace(&first, split)
                head.removeLast()
                // Through JSON, as a checkpoint would store it.
                let encoder = JSONEncoder()
                encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let decoder = JSONDecoder()
                decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
                let saved = try decoder.decode(ScheduleState.self, from: encoder.encode(first.state))
                #expect(saved == first.state)
                var resumed = try #require(try ScheduleReferenceCases.groups(name)?[g].schedule)
                try resumed.restore(saved)
                let tail = try Self.trace(&resumed, count - split)
                #expect(head + tail == expected, "\(path) group \(g) resumed after \(split) steps")
            }
        }
    }

    @Test func resumedPlateauContinuesBitForBit() throws {
        let options = try #require(ScheduleReferenceCases.plateau("plateau_cooldown_abs"))
        let losses = try ScheduleFixtures.losses("plateau/plateau_cooldown_abs")
        var whole = try GroupSchedule(.plateau(options), initialLR: 0.1, initialMomentum: nil)
        var expected: [Double] = []
        for loss in losses { expected.append(whole.lr); try whole.step(metric: loss) }
        var first = try GroupSchedule(.plateau(options), initialLR: 0.1, initialMomentum: nil)
        var got: [Double] = []
        for loss in losses.prefix(17) { got.append(first.lr); try first.step(metric: loss) }
        var resumed = try GroupSchedule(.plateau(options), initialLR: 0.1, initialMomentum: nil)
        try resumed.restore(first.state)
        for loss in losses.dropFirst(17) { got.append(resumed.lr); try resumed.step(metric: loss) }
        #expect(got == expected)
        #expect(Set(expected).count > 3, "the case reduces the rate several times")
    }

    @Test func stateOfAnotherScheduleIsRejectedAndChangesNothing() throws {
        var chained = try GroupSchedule(.chained([.step(stepSize: 2, gamma: 0.5), .exponential(gamma: 0.9)]),
                                        initialLR: 0.1, initialMomentum: nil)
        let single = try GroupSchedule(.exponential(gamma: 0.9), initialLR: 0.1, initialMomentum: nil)
        try chained.step()
        let before = chained.state
        #expect(throws: ScheduleError.self) { try chained.restore(single.state) }
        var broken = before
        broken.values["0.last_epoch"] = 1.5
        #expect(throws: ScheduleError.self) { try chained.restore(broken) }
        broken.values["0.last_epoch"] = 1e300
        #expect(throws: ScheduleError.self) { try chained.restore(broken) }
        broken.values.removeValue(forKey: "0.last_epoch")
        #expect(throws: ScheduleError.self) { try chained.restore(broken) }
        #expect(chained.state == before)
    }

    @Test func lookingAheadDoesNotMoveTheSchedule() throws {
        var s = try GroupSchedule(.cosine(tMax: 10, etaMin: 0), initialLR: 0.1, initialMomentum: nil)
        let ahead = try s.lr(after: 7)
        #expect(s.lr == 0.1)
        for _ in 0..<7 { try s.step() }
        #expect(s.lr == ahead)
    }
}
