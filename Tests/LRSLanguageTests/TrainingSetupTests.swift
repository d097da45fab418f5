import LRSFiles
import Foundation
import Testing
@testable import LRSLanguage

/// Section 15's `clip`, `accumulate`, the run-length names, `round` and `wsd`, as the
/// checker sees them.
@Suite struct TrainingSetupTests {
    let model = "input 4\nmodel < linear 4 3 >\noptimizer sgd lr 0.1\n"
    /// 100 samples in batches of 10: 10 batches, in runs of 3 -> 4 optimizer steps per epoch.
    let data = "data synthetic samples 100 classes 3\n"

    @Test func clipAndAccumulateAreRead() throws {
        let script = try #require(check(model + data + "train epochs 2 batch 10 clip 1.5 accumulate 3").script)
        #expect(script.train?.clip == 1.5)
        #expect(script.train?.accumulate == 3)
        #expect(script.train?.optimizerSteps(batches: 10) == 4)
        #expect(script.train?.optimizerSteps(batches: 9) == 3)
        let plain = try #require(check(model + "train").script)
        #expect(plain.train?.clip == nil)
        #expect(plain.train?.accumulate == 1)
    }

    @Test func clipMustBePositiveAndAccumulateAtLeastOne() {
        let zero = check(model + "train clip 0")
        #expect(errors(zero) == [.valueOutOfRange("'clip'", value: 0, range: "greater than 0")])
        #expect(zero.diagnostics.first?.range?.start == (model + "train clip ").utf8.count)
        #expect(errors(check(model + "train clip -1")) == [.valueOutOfRange("'clip'", value: -1, range: "greater than 0")])
        #expect(errors(check(model + "train accumulate 0")) == [.valueOutOfRange("'accumulate'", value: 0, range: "at least 1")])
        #expect(errors(check(model + "train accumulate 1.5")) == [.valueNotWhole("'accumulate'", value: 1.5)])
    }

    @Test func runLengthNamesComeFromTheScript() throws {
        // A `let` before `train` and `data` still sees them: the checker looks ahead.
        let script = try #require(check(model + "let a = total_steps\nlet b = steps_per_epoch\nlet c = epochs\n"
                                        + data + "train epochs 2 batch 10 accumulate 3").script)
        #expect(script.constants["a"] == 8)
        #expect(script.constants["b"] == 4)
        #expect(script.constants["c"] == 2)
        // `split` keeps samples back: 100 - 20 = 80 in batches of 10 = 8 steps.
        let split = try #require(check(model + "let s = steps_per_epoch\n" + data + "split 0.2\ntrain batch 10").script)
        #expect(split.constants["s"] == 8)
    }

    @Test func runLengthNamesInGroupsAndSchedules() throws {
        let script = try #require(check(model + data + "train epochs 3 batch 25\n"
                                        + "group all lr 0.4 / steps_per_epoch\nschedule all lambda 1 - step / total_steps per step").script)
        #expect(script.groups.first?.hyperparameters.first { $0.name == "lr" }?.value.number == 0.1)
        guard case .expression(let f)? = script.schedules.first?.schedule.argument("lr_lambda") else {
            Issue.record("no lambda")
            return
        }
        #expect(f.evaluate([0, 6]) == 0.5)
    }

    @Test func givenRunLengthComesFirst() throws {
        let options = Checker.Options(checkFiles: false, runLength: RunLength(epochs: 5, stepsPerEpoch: 7))
        let result = Checker.check(SourceFile(path: "t.lrs", text: model + "let t = total_steps\n" + data + "train epochs 2"),
                                   options: options)
        #expect(result.script?.constants["t"] == 35)
    }

    @Test func aLetOfTheSameNameKeepsItsValue() throws {
        // Version 1 scripts wrote `let epochs = 20` and `train epochs epochs`.
        let script = try #require(check(model + "let epochs = 20\nlet twice = 2 * epochs\ntrain epochs epochs").script)
        #expect(script.constants["twice"] == 40)
        #expect(script.train?.epochs == 20)
    }

    @Test func missingRunLengthIsALocatedErrorSayingWhatToAdd() throws {
        let noData = check(model + "let w = total_steps / 10\ntrain epochs 2")
        let error = try #require(noData.diagnostics.first { $0.severity == .error })
        #expect(error.range?.start == (model + "let w = ").utf8.count)
        #expect(error.message.contains("add a 'data' statement"))
        let noTrain = check(model + "let w = epochs")
        #expect(try #require(noTrain.diagnostics.first { $0.severity == .error }).message.contains("add 'train epochs N'"))
    }

    @Test func roundHalvesToEven() {
        #expect(compile("round(2.5)")?.evaluate() == 2)
        #expect(compile("round(3.5)")?.evaluate() == 4)
        #expect(compile("round(-0.5)")?.evaluate() == 0)
        #expect(compile("round(0.6)")?.evaluate() == 1)
        #expect(ScalarFunctions.apply("round", [4.5]) == 4)
    }

    @Test func wsdRunsOverTotalStepsOrEpochs() throws {
        let script = try #require(check(model + data + "train epochs 2 batch 10 accumulate 3\n"
                                        + "schedule all wsd 2 3 shape cosine min_factor 0.1").script)
        let statement = try #require(script.schedules.first)
        #expect(statement.perStep)
        #expect(statement.schedule.argument(CheckedSchedule.wsdTotal)?.number == 8)
        let perEpoch = try #require(check(model + data + "train epochs 6\nschedule all wsd 1 2 per epoch").script)
        #expect(perEpoch.schedules.first?.schedule.argument(CheckedSchedule.wsdTotal)?.number == 6)
        let unknown = check(model + "schedule all wsd 1 2")
        #expect(errors(unknown).contains { if case .runLengthUnknown(name: "total_steps", user: "wsd", _) = $0 { true } else { false } })
        #expect(errors(check(model + data + "train\nschedule all wsd 1 0")) ==
                [.valueOutOfRange("'decay' of 'wsd'", value: 0, range: "at least 1")])
        #expect(errors(check(model + data + "train\nschedule all wsd 1 2 shape square")).count == 1)
    }

    @Test func wsdFactorFollowsTheFormula() {
        let linear = WSDFactor(warmup: 4, decay: 6, total: 20, shape: .linear, minFactor: 0, warmupFactor: 0)
        #expect((0..<20).map(linear.factor).prefix(5) == [0, 0.25, 0.5, 0.75, 1])
        #expect(linear.factor(13) == 1)
        #expect(linear.factor(14) == 1)
        #expect(abs(linear.factor(17) - 0.5) < 1e-15)
        let cosine = WSDFactor(warmup: 0, decay: 4, total: 8, shape: .cosine, minFactor: 0.2, warmupFactor: 0)
        #expect(cosine.factor(4) == 1)
        #expect(abs(cosine.factor(6) - 0.6) < 1e-15)
        let sqrt = WSDFactor(warmup: 2, decay: 4, total: 10, shape: .sqrt, minFactor: 0, warmupFactor: 0.5)
        #expect(sqrt.factor(1) == 0.75)
        #expect(sqrt.factor(7) == 0.5)
    }

    @Test func csvRowsAreCountedWithOrWithoutAHeader() {
        #expect((try? CSVTable.dataRowCount(Array("a,b\n1,2\n3,4\n\n".utf8), path: "d.csv", header: nil)) == 2)
        #expect((try? CSVTable.dataRowCount(Array("1,2\n3,4\n".utf8), path: "d.csv", header: nil)) == 2)
        #expect((try? CSVTable.dataRowCount(Array("1,2\n3,4\n".utf8), path: "d.csv", header: true)) == 1)
        #expect((try? CSVTable.dataRowCount(Array("".utf8), path: "d.csv", header: nil)) == nil)
    }
}
