import Foundation
import LRSEngine
import Testing
import TestSupport

/// `lrs run` says what it did when it trains nothing, and where it stopped on Ctrl-C
/// (issue 12, item 14).
@Suite(.timeLimit(.minutes(1))) struct RunOutcomeTests {
    func workspace(_ script: String) throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-outcome-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try script.write(toFile: dir + "/run.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aScriptWithoutTrainSaysNothingWasTrained() throws {
        let dir = try workspace("input 4\nmodel < linear 4 2 >\nsave \"w.safetensors\"\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs"], in: dir)
        #expect(result.status == 0)
        #expect(result.stderr == "run.lrs: note: the script has no 'train' statement, so nothing was trained; "
                + "'save' wrote the initial weights to 'w.safetensors'\n")
    }

    @Test func resumingAFinishedRunSaysItIsComplete() throws {
        let dir = try workspace("""
            seed 0
            input 4
            model < linear 4 2 >
            data synthetic samples 8 classes 2
            train epochs 2 batch 4
            save "w.safetensors"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try LRSBinary.run(["run", "run.lrs", "--quiet"], in: dir)
        try #require(first.status == 0, "\(first.stderr)")
        let again = try LRSBinary.run(["run", "run.lrs", "--resume", "w.safetensors"], in: dir)
        #expect(again.status == 0)
        #expect(again.stdout == "")
        #expect(again.stderr.hasPrefix("run.lrs:5:1: note: the run is already complete at epoch 2 of 2; nothing to train\n"))
    }

    @Test func ctrlCExits130SayingWhereItStoppedAndWhatWasSaved() throws {
        let dir = try workspace("""
            seed 0
            input 4
            model < linear 4 64; relu; linear 64 2 >
            data synthetic samples 64 classes 2
            checkpoint every 1 epochs "c.safetensors"
            train epochs 100000000 batch 1
            save "w.safetensors"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let process = try LRSBinary.start(["run", "run.lrs", "--quiet", "--trace", "t.jsonl"], in: dir)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, process.isRunning, !FileManager.default.fileExists(atPath: dir + "/c.safetensors") {
            usleep(5000)
        }
        process.signal(SIGINT)
        let result = process.wait(timeout: 60)
        let stderr = result.stderr
        #expect(!result.crashed)
        #expect(result.status == 130)
        #expect(stderr.hasPrefix("lrs run: interrupted after "))
        #expect(stderr.contains(" of 100000000 epochs (step "))
        #expect(stderr.contains("the last checkpoint, 'c.safetensors', holds epoch "))
        #expect(stderr.hasSuffix("continue with '--resume c.safetensors'; the trace 't.jsonl' has every step taken\n"))
        #expect(FileManager.default.fileExists(atPath: dir + "/t.jsonl"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/w.safetensors"))
    }
}
