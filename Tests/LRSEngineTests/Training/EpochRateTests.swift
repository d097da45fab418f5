import LRSEngine
import Testing

/// The epoch line shows the rates the epoch's steps used (issue 12, item 1).
@Suite struct EpochRateTests {
    static func script(schedule: String) -> String {
        """
        seed 0
        input 4
        model < hidden: linear 4 3; out: linear 3 2 >
        optimizer sgd lr 0.1
        group hidden lr 0.1
        group out lr 0.05
        \(schedule)
        data synthetic samples 32 classes 2
        train epochs 3 batch 8
        """
    }

    @Test func perEpochScheduleShowsTheRateItsStepsUsed() {
        let (reports, diagnostics) = ScriptRunner.run(Self.script(schedule: "schedule all step 1 gamma 0.5"))
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.map(\.message))")
        #expect(reports.map { $0.rates.map(\.first) } == [[0.1, 0.05], [0.05, 0.025], [0.025, 0.0125]])
        #expect(reports.allSatisfy { $0.rates.allSatisfy { $0.first == $0.last } })
    }

    @Test func perStepScheduleShowsTheFirstAndLastStepsRates() throws {
        // 4 steps an epoch; the rate halves after every step.
        let (reports, diagnostics) = ScriptRunner.run(Self.script(schedule: "schedule hidden step 1 gamma 0.5 per step"))
        #expect(!diagnostics.contains { $0.severity == .error }, "\(diagnostics.map(\.message))")
        try #require(reports.count == 3)
        #expect(reports.first?.rates.first == EpochRate(group: "hidden", first: 0.1, last: 0.1 / 8))
        #expect(reports.last?.rates.first == EpochRate(group: "hidden", first: 0.1 / 256, last: 0.1 / 2048))
        #expect(reports.last?.rates.last == EpochRate(group: "out", first: 0.05, last: 0.05))
    }
}
