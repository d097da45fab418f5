import Foundation
@testable import LRSEngine
import LRSFiles
import LRSLanguage
import Testing
import TestSupport

/// `freeze SELECTOR until epoch N` in runs (section 15): no gradient and no update before
/// epoch N, optimizer state from the first update (as torch's, for a parameter whose
/// `.grad` was None), exact resume from a checkpoint taken before N, and the REPL's steps.
@Suite struct UnfreezeRunTests {
    /// 32 samples in batches of 8: four steps per epoch; Adam with weight decay, which would
    /// move a frozen parameter if the optimizer did not skip it.
    static let script = """
    seed 5
    input 4
    model < a: linear 4 6; relu; b: linear 6 3 >
    optimizer adam lr 0.01 weight_decay 0.1
    freeze a until epoch 2
    data synthetic samples 32 classes 3
    train epochs 3 batch 8 shuffle true

    """

    func prepared(_ text: String = script, directory: String = Fixtures.temporaryDirectory()) throws -> ScriptRun {
        try ScriptRun.prepare(SourceFile(path: directory + "/run.lrs", text: text), options: ScriptRun.Options()).get()
    }

    func trainer(_ run: ScriptRun) throws -> Trainer {
        let settings = try #require(run.script.train)
        return try Trainer(state: run.state, data: try #require(run.data), settings: settings)
    }

    @Test func frozenUntilTheEpochThenTrainedWithFreshState() throws {
        let run = try prepared()
        let trainer = try trainer(run)
        let start = Checkpoint.file(of: run.state).tensors
        try trainer.run(until: 2, observer: nil)
        let frozen = Checkpoint.file(of: run.state).tensors
        // Two epochs: 'a' untouched (no gradient, no decay), no optimizer state for it;
        // 'b' trained 8 steps.
        #expect(frozen["a.weight"] == start["a.weight"])
        #expect(frozen["a.bias"] == start["a.bias"])
        #expect(frozen["b.weight"] != start["b.weight"])
        #expect(!frozen.keys.contains { $0.hasPrefix("optimizer.a.") })
        #expect(frozen["optimizer.b.weight.step"]?.doubles == [8])
        #expect(run.state.model.parameters.first { $0.name == "a.weight" }?.parameter.requiresGrad == true)

        try trainer.run(until: 3, observer: nil)
        let after = Checkpoint.file(of: run.state).tensors
        #expect(after["a.weight"] != start["a.weight"])
        // Adam's step count for 'a' starts at its first update: 4 steps in epoch 2.
        #expect(after["optimizer.a.weight.step"]?.doubles == [4])
        #expect(after["optimizer.b.weight.step"]?.doubles == [12])
    }

    @Test func aCheckpointBeforeTheEpochResumesExactly() throws {
        let directory = Fixtures.temporaryDirectory()
        _ = ScriptRunner.run(Self.script + "save \"whole.safetensors\"\n", in: directory)
        // The same run stopped after epoch 1, still frozen: its checkpoint has no state for 'a'.
        let run = try prepared(directory: directory)
        try trainer(run).run(until: 1, observer: nil)
        let half = Checkpoint.file(of: run.state)
        #expect(!half.tensors.keys.contains("optimizer.a.weight.exp_avg"))
        #expect(half.tensors.keys.contains("optimizer.b.weight.exp_avg"))
        try half.write(to: directory + "/half.safetensors")
        var options = ScriptRun.Options()
        options.resumePath = directory + "/half.safetensors"
        let resumed = ScriptRunner.run(Self.script + "save \"resumed.safetensors\"\n", in: directory, options: options)
        #expect(!resumed.diagnostics.contains { $0.severity == .error }, "\(resumed.diagnostics.map(\.message))")
        #expect(resumed.reports.count == 2)
        let a = try SafetensorsFile.read(path: directory + "/whole.safetensors")
        let b = try SafetensorsFile.read(path: directory + "/resumed.safetensors")
        #expect(a.names.sorted() == b.names.sorted())
        #expect(a.names.contains("optimizer.a.weight.exp_avg"))
        for name in a.names.sorted() { #expect(a[name]?.floats == b[name]?.floats, "\(name)") }
    }

    @Test func theReplStepsAcrossTheEpochAsTheRunDoes() throws {
        let directory = Fixtures.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory + "/setup.lrs", contents: Data(Self.script.utf8))
        let session = ReplSession(directory: directory)
        #expect(!session.enter("load setup.lrs").failed)
        #expect(session.enter("show param a.weight").output.hasPrefix("a.weight shape 6x4 (frozen until epoch 2)\n"))
        #expect(!session.enter("step 7").failed)
        #expect(!session.enter("step 3").failed)
        #expect(session.state?.epoch == 2)
        #expect(session.enter("show param a.weight").output.hasPrefix("a.weight shape 6x4\n"))
        // Undo back into epoch 1 freezes them again; redoing the steps gives the same run.
        #expect(!session.enter("undo").failed)
        #expect(session.state?.epoch == 1)
        #expect(session.enter("show param a.weight").output.hasPrefix("a.weight shape 6x4 (frozen until epoch 2)\n"))
        #expect(!session.enter("step 3").failed)
        #expect(!session.enter("epoch").failed)
        #expect(session.state?.step == 12)
        let whole = try prepared()
        _ = try whole.execute(observer: nil) { _ in }
        let state = try #require(session.state)
        #expect(Checkpoint.file(of: state).tensors == Checkpoint.file(of: whole.state).tensors)
    }
}
