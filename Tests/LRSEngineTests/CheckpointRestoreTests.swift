import LRSFiles
import Foundation
import LRSEngine
import LRSLanguage
import Testing
import TestSupport

/// `--resume` refuses, in words, every checkpoint that cannot continue the script's run,
/// and changes nothing when it does.
@Suite struct CheckpointRestoreTests {
    static func script(schedule: String = "schedule all cosine 10") -> String {
        """
        seed 1
        model < linear 4 3 >
        optimizer adam lr 0.01
        \(schedule)
        """
    }

    static func state(_ text: String = script()) throws -> TrainingState {
        let source = SourceFile(path: Fixtures.temporaryDirectory() + "/s.lrs", text: text)
        return try ScriptRun.prepare(source, options: ScriptRun.Options()).get().state
    }

    /// A checkpoint of a fresh run of the script, with Adam state for the weight.
    static func checkpoint(_ text: String = script()) throws -> SafetensorsFile {
        var file = Checkpoint.file(of: try state(text))
        file.set("optimizer.0.weight.exp_avg", StoredTensor(floats: [Float](repeating: 0.5, count: 12), shape: [3, 4]))
        file.set("optimizer.0.weight.step", StoredTensor(doubles: [3], shape: []))
        return file
    }

    func problem(_ file: SafetensorsFile, lastEpoch: Int? = nil) throws -> String? {
        let state = try Self.state()
        let before = Checkpoint.file(of: state)
        let problem = Checkpoint.restore(file, into: state, lastEpoch: lastEpoch)
        if problem != nil {
            // Refused: nothing changed.
            #expect(Checkpoint.file(of: state).tensors == before.tensors)
            #expect(Checkpoint.file(of: state).metadata == before.metadata)
        }
        return problem?.description
    }

    @Test func acceptsItsOwnCheckpoint() throws {
        #expect(try problem(Self.checkpoint()) == nil)
    }

    @Test func refusesTransposedOptimizerState() throws {
        var file = try Self.checkpoint()
        file.set("optimizer.0.weight.exp_avg", StoredTensor(floats: [Float](repeating: 0.5, count: 12), shape: [4, 3]))
        #expect(try problem(file) == "optimizer state 'exp_avg' of '0.weight' has shape 4x3, but the parameter has 3x4")
    }

    @Test func refusesAnotherScheduleKind() throws {
        let file = try Self.checkpoint(Self.script(schedule: "schedule all step 3"))
        #expect(try problem(file) == "group 'all' was scheduled by 'step' in the run that saved it, but the script's schedule is 'cosine'")
    }

    @Test func refusesScheduleStateNoStepCanProduce() throws {
        let text = Self.script(schedule: "schedule all cosine_restarts 5")
        let source = SourceFile(path: Fixtures.temporaryDirectory() + "/s.lrs", text: text)
        let state = try ScriptRun.prepare(source, options: ScriptRun.Options()).get().state
        var file = Checkpoint.file(of: state)
        let schedules = try #require(file.metadata["lrs.schedules"])
        file.metadata["lrs.schedules"] = schedules.replacingOccurrences(of: #""0.t_i":5"#, with: #""0.t_i":0"#)
        #expect(file.metadata["lrs.schedules"] != schedules)
        let problem = Checkpoint.restore(file, into: state)?.description
        #expect(problem == "the schedule of group 'all' cannot continue from it: '0.t_i' is 0, it must be 1 or more")
    }

    @Test(arguments: [
        (#"{"epoch":7,"step":70}"#, 5, "it is at epoch 7, past the script's last epoch (5)"),
        (#"{"epoch":1e18,"step":0}"#, 5, "its position has epoch 1000000000000000000, which is not a whole number from 0 to 2^53"),
        (#"{"epoch":1.5,"step":0}"#, 5, "its position has epoch 1.5, which is not a whole number from 0 to 2^53"),
        (#"{"epoch":1,"step":-2}"#, 5, "its position has step -2, which is not a whole number from 0 to 2^53"),
        (#"{"epoch":1e300,"step":0}"#, 5, "its position has epoch 1e+300, which is not a whole number from 0 to 2^53"),
        (#"{"epoch":"nan","step":0}"#, 5, "its position has epoch NaN, which is not a whole number from 0 to 2^53"),
        (#"{"epoch":"x","step":0}"#, 5, #"its 'lrs.position' metadata is JSON of the wrong form: expected {"epoch": N, "step": N}"#),
        (#"{"epoch":1"#, 5, #"its 'lrs.position' metadata is not valid JSON: expected {"epoch": N, "step": N}"#),
        (#"{"epoch":1}"#, 5, #"its 'lrs.position' metadata is JSON of the wrong form: expected {"epoch": N, "step": N}"#),
    ])
    func refusesAPositionOutOfRange(position: String, lastEpoch: Int, expected: String) throws {
        var file = try Self.checkpoint()
        file.metadata["lrs.position"] = position
        #expect(try problem(file, lastEpoch: lastEpoch) == expected)
    }

    @Test func refusesOptimizerScalarsInWords() throws {
        var file = try Self.checkpoint()
        file.set("optimizer.0.weight.step", StoredTensor(doubles: [.nan], shape: []))
        #expect(try problem(file) == "optimizer state 'step' of '0.weight' is NaN, but it must be a whole number from 0 that float32 holds exactly")
        file.set("optimizer.0.weight.step", StoredTensor(doubles: [2.5], shape: []))
        #expect(try problem(file) == "optimizer state 'step' of '0.weight' is 2.5, but it must be a whole number from 0 that float32 holds exactly")
    }

    @Test func refusesUnknownAndStrayOptimizerState() throws {
        var file = try Self.checkpoint()
        file.set("optimizer.0.weight.momentum_buffer", StoredTensor(floats: [Float](repeating: 0, count: 12), shape: [3, 4]))
        #expect(try problem(file) == "optimizer state 'momentum_buffer' of '0.weight' is not one adam keeps (it keeps 'exp_avg', 'exp_avg_sq', 'max_exp_avg_sq', 'step')")
        file = try Self.checkpoint()
        file.set("optimizer.9.weight.exp_avg", StoredTensor(floats: [0], shape: [1]))
        #expect(try problem(file) == "it holds 'optimizer.9.weight.exp_avg', which is no state of a parameter the script's optimizers train")
    }

    @Test func saysWhichMetadataIsMissingOrMalformed() throws {
        var file = try Self.checkpoint()
        file.metadata["lrs.format"] = nil
        #expect(try problem(file) == "not an lrs checkpoint (its __metadata__ has no 'lrs.format')")
        file = try Self.checkpoint()
        file.metadata["lrs.format"] = "7"
        #expect(try problem(file) == "its format is '7', and this lrs reads format '1'")
        file = try Self.checkpoint()
        file.metadata["lrs.groups"] = nil
        #expect(try problem(file) == "its __metadata__ has no 'lrs.groups'")
        file = try Self.checkpoint()
        file.metadata["lrs.generator"] = #"{"seed":1,"words":[],"index":0}"#
        #expect(try problem(file) == "its random generator state is malformed (624 words and a position from 0 to 624 expected)")
        file = try Self.checkpoint()
        file.metadata["lrs.groups"] = #"{"all":{"lr":"nan","momentum":0,"beta1":0.9}}"#
        #expect(try problem(file) == "group 'all' has lr NaN in it, which is not a finite number")
    }
}
