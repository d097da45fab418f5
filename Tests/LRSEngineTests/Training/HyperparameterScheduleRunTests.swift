import Foundation
@testable import LRSEngine
import LRSLanguage
import LRSOptim
import Testing
import TestSupport
import LRSFiles

/// Weight decay and momentum schedules in a run (section 15): the values the optimizer
/// uses, the trace, a negative value refused at the schedule's line, `lrs schedule --param`,
/// and a checkpoint that resumes them exactly.
@Suite struct HyperparameterScheduleRunTests {
    static let script = """
    seed 2
    input 4
    model < w: linear 4 3; b: linear 3 2 >
    optimizer sgd lr 0.1 momentum 0.9 weight_decay 0.01
    group w
    group b optimizer adam lr 0.01
    schedule w weight_decay step 1 gamma 0.5
    schedule w momentum lambda 0.5 + 0.5 * min(1, step / 4) per step
    schedule b momentum exponential 0.5
    data synthetic samples 16 classes 2
    train epochs 3 batch 8

    """

    func prepared(_ text: String = script, directory: String = Fixtures.temporaryDirectory()) throws -> ScriptRun {
        try ScriptRun.prepare(SourceFile(path: directory + "/run.lrs", text: text), options: ScriptRun.Options()).get()
    }

    @Test func theOptimizerUsesTheScheduledValues() throws {
        let run = try prepared()
        let state = run.state
        // Before the first step: the initial values, the momentum lambda's factor 0.5 applied.
        #expect(state.config(of: 0).weightDecay == 0.01)
        #expect(state.config(of: 0).momentum == 0.45)
        #expect(state.config(of: 1).beta1 == 0.9)
        try state.stepSchedules(perStep: true, metric: nil)
        #expect(abs(state.config(of: 0).momentum - 0.9 * 0.625) < 1e-15)
        #expect(state.config(of: 0).weightDecay == 0.01)
        try state.stepSchedules(perStep: false, metric: 1)
        #expect(state.config(of: 0).weightDecay == 0.005)
        #expect(state.config(of: 1).beta1 == 0.45)
        #expect(state.config(of: 1).beta2 == 0.999)
        #expect(state.config(of: 0).learningRate == 0.1)
    }

    @Test func traceCarriesTheMovedValues() throws {
        let directory = Fixtures.temporaryDirectory()
        var options = ScriptRun.Options()
        options.tracePath = directory + "/t.jsonl"
        let (_, diagnostics) = ScriptRunner.run(Self.script, in: directory, options: options)
        #expect(!diagnostics.contains { $0.severity == .error })
        let lines = try String(contentsOfFile: directory + "/t.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.first?.hasSuffix("\"weight_decay\": {\"w\": 0.01}, \"momentum\": {\"w\": 0.45, \"b\": 0.9}}") == true)
        #expect(lines.last?.contains("\"weight_decay\": {\"w\": 0.0025}") == true)
    }

    @Test func aNegativeValueIsARunTimeErrorAtTheSchedulesLine() {
        let text = Self.script.replacingOccurrences(of: "weight_decay step 1 gamma 0.5", with: "weight_decay lambda 1 - epoch")
        let (_, diagnostics) = ScriptRunner.run(text)
        let error = diagnostics.first { $0.severity == .error }
        #expect(error?.condition == .invalidScheduledValue("weight_decay", group: "w", value: -0.01, epoch: 2, step: 4))
        #expect(error?.range.map { SourceFile(path: "x", text: text).location(of: $0.start).line } == 7)
    }

    @Test func scheduleParamShowsTheHyperparameter() throws {
        let source = SourceFile(path: Fixtures.temporaryDirectory() + "/run.lrs", text: Self.script)
        let outcome = SchedulePreview.run(source, epochs: 3, stepsPerEpoch: 1, parameter: .weightDecay)
        let table = try #require(outcome.table)
        #expect(table.groups == ["w", "b"])
        let csv = String(decoding: ScheduleReport.csv(table, parameter: "weight_decay"), as: UTF8.self)
        #expect(csv == "epoch,step,group,weight_decay\n0,0,w,0.01\n0,0,b,0.0\n1,1,w,0.005\n1,1,b,0.0\n2,2,w,0.0025\n2,2,b,0.0\n")
        let momentum = try #require(SchedulePreview.run(source, epochs: 2, stepsPerEpoch: 1, parameter: .momentum).table)
        #expect(momentum.lr(step: 1, group: 1) == 0.45)
        let svg = ScheduleReport.svg(table, options: ScheduleReport.Options(parameter: "weight_decay"))
        #expect(svg.contains(">weight_decay<"))
    }

    @Test func aCheckpointResumesThemExactly() throws {
        let directory = Fixtures.temporaryDirectory()
        let whole = Self.script + "save \"whole.safetensors\"\n"
        _ = ScriptRunner.run(whole, in: directory)
        let first = Self.script.replacingOccurrences(of: "epochs 3", with: "epochs 1") + "save \"half.safetensors\"\n"
        _ = ScriptRunner.run(first, in: directory)
        var options = ScriptRun.Options()
        options.resumePath = directory + "/half.safetensors"
        let resumed = ScriptRunner.run(Self.script + "save \"resumed.safetensors\"\n", in: directory, options: options)
        #expect(!resumed.diagnostics.contains { $0.severity == .error }, "\(resumed.diagnostics.map(\.message))")
        let a = try SafetensorsFile.read(path: directory + "/whole.safetensors")
        let b = try SafetensorsFile.read(path: directory + "/resumed.safetensors")
        for name in a.names.sorted() { #expect(a[name]?.floats == b[name]?.floats, "\(name)") }
        #expect(a.metadata[Checkpoint.hyperparameterSchedulesKey] == b.metadata[Checkpoint.hyperparameterSchedulesKey])

        // Without the hyperparameter schedules' state, the checkpoint is refused in words.
        var stripped = try SafetensorsFile.read(path: directory + "/half.safetensors")
        stripped.metadata[Checkpoint.hyperparameterSchedulesKey] = nil
        let state = try prepared(directory: directory).state
        #expect(Checkpoint.restore(stripped, into: state)?.description.contains("lrs.hyperparameter_schedules") == true)
    }
}
