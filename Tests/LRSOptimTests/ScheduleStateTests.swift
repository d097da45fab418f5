import Foundation
import Testing
@testable import LRSOptim

/// A schedule's saved state: another schedule's is refused; looking ahead moves nothing.
/// (Resuming every case's script bit for bit: LRSEngineTests' ScheduleResumeTests.)
@Suite struct ScheduleStateTests {
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
