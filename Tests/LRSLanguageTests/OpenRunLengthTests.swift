import Foundation
import Testing
@testable import LRSLanguage

/// A checkpoint script's schedules may read a run length that nothing gives (section 16):
/// the exported build() takes it from its keywords. Its group values may not, and a
/// built-in model keeps the error.
@Suite struct OpenRunLengthTests {
    static let checkpoint = testsDirectory.appendingPathComponent("Fixtures/module/runlength.safetensors").path
    static let groups = "optimizer sgd lr 0.1\ngroup \"body.*\" as body\ngroup rest as other\n"

    func checkCheckpoint(_ body: String, options: Checker.Options = Checker.Options(checkFiles: false)) -> CheckResult {
        Checker.check(SourceFile(path: "test.lrs", text: "model from \"\(Self.checkpoint)\"\n" + Self.groups + body),
                      overrides: [:], options: options)
    }

    @Test func schedulesMayReadTheRunLengthNothingGives() throws {
        let result = checkCheckpoint("schedule body wsd 3 6 shape cosine\n"
                                     + "schedule other lambda 1 - step / total_steps per step\n")
        let script = try #require(result.script, "\(result.diagnostics.map(\.message))")
        let wsd = try #require(script.schedules.first)
        guard case .symbol("total_steps")? = wsd.schedule.argument(CheckedSchedule.wsdTotal) else {
            Issue.record("the wsd total is not left to total_steps")
            return
        }
        guard case .expression(let lambda)? = script.schedules.last?.schedule.argument("lr_lambda") else {
            Issue.record("no lambda")
            return
        }
        #expect(lambda.usedVariables == ["step", "total_steps"])
        #expect(script.constants["total_steps"] == nil)
    }

    @Test func aNumberArgumentReadingItStaysAnExpression() throws {
        let script = try #require(checkCheckpoint("train epochs 4\nschedule all cosine epochs * steps_per_epoch per step\n").script)
        guard case .expression(let tMax)? = script.schedules.first?.schedule.argument("T_max") else {
            Issue.record("T_max folded")
            return
        }
        // `epochs` is the script's (train epochs 4): folded; only steps_per_epoch stays open.
        #expect(tMax.usedVariables == ["steps_per_epoch"])
        #expect(script.constants["epochs"] == 4)
        // Per epoch, wsd runs over the epochs the script fixes.
        let fixed = try #require(checkCheckpoint("train epochs 4\nschedule all wsd 1 2 per epoch\n").script)
        #expect(fixed.schedules.first?.schedule.argument(CheckedSchedule.wsdTotal)?.number == 4)
    }

    @Test func groupValuesStillNeedAKnownRunLength() throws {
        let result = checkCheckpoint("group \"head.*\" lr 0.1 / total_steps as head\n")
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.message.hasPrefix("'total_steps' cannot be used here without the run's length (a schedule's "
                                        + "arguments and milestones may leave it to the exported build(), group values may not)"))
        #expect(error.message.contains("add 'train epochs N'"))
    }

    @Test func aMilestoneReadingItStaysAnExpression() throws {
        let result = checkCheckpoint("schedule all linear start_factor 0.1 until round(total_steps / 10) then "
                                     + "constant until 7 then cosine 5 per step\n")
        let script = try #require(result.script, "\(result.diagnostics.map(\.message))")
        guard case .sequential(_, let milestones, _)? = script.schedules.first?.schedule, milestones.count == 2,
              case .open(let first) = milestones[0] else {
            Issue.record("the first milestone is not left open")
            return
        }
        #expect(first.usedVariables == ["total_steps"])
        #expect(milestones[1].count == 7)
        // Fixed milestones keep their checks.
        let reversed = checkCheckpoint("schedule all constant until 9 then constant until 3 then cosine 5\n")
        #expect(reversed.diagnostics.contains { $0.message == "milestone 3 must not come before milestone 9" })
        // `lrs schedule` binds the length: the milestone is a count again.
        let closed = checkCheckpoint("train epochs 2\nschedule all constant until round(total_steps / 10) then cosine 5 per step\n",
                                     options: Checker.Options(checkFiles: false, runLength: RunLength(stepsPerEpoch: 50),
                                                              leavesRunLengthOpen: false))
        let fixed = try #require(closed.script, "\(closed.diagnostics.map(\.message))")
        guard case .sequential(_, let counts, _)? = fixed.schedules.first?.schedule else {
            Issue.record("no sequential schedule")
            return
        }
        #expect(counts.map(\.count) == [10])
    }

    @Test func lrsScheduleAndBuiltInModelsKeepTheError() throws {
        // `lrs schedule` computes the rates: it asks for the option.
        let closed = checkCheckpoint("train epochs 2\nschedule all wsd 3 6\n",
                                     options: Checker.Options(checkFiles: false, leavesRunLengthOpen: false))
        let error = try #require(closed.diagnostics.first { $0.severity == .error })
        #expect(error.message.contains("'wsd' runs over 'total_steps', which is not known"))
        #expect(error.message.contains("'--steps-per-epoch'"))
        let builtIn = check("input 4\nmodel <\n  body: linear 4 2\n>\nschedule all cosine total_steps\n")
        #expect(builtIn.script == nil)
        #expect(builtIn.diagnostics.contains { $0.message.hasPrefix("'total_steps' cannot be used without the run's length") })
    }
}
