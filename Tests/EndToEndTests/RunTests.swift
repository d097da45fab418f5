import LRSFiles
import Foundation
import LRSEngine
import Testing
import TestSupport

/// `lrs run` as a user runs it: data errors, divergence, traces, checkpoints and resume.
@Suite struct RunTests {
    /// A scratch directory with the digits data and a script.
    func workspace(_ script: String) throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["digits_x.npy", "digits_y.npy"] {
            try FileManager.default.copyItem(atPath: LRSBinary.packageRoot.path + "/samples/data/" + name, toPath: dir + "/" + name)
        }
        try script.write(toFile: dir + "/run.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    static let resumable = """
        seed 3
        input 64
        model < linear 64 32; relu; dropout 0.2; linear 32 10 >
        optimizer adam lr 0.002
        group "0.*" lr 0.003
        group rest
        schedule all onecycle 0.01 3000
        data npy "digits_x.npy" "digits_y.npy"
        split 0.2
        checkpoint every 1 epochs "ckpt.safetensors"
        train epochs 24 batch 16
        save "final.safetensors"
        """

    /// Model and optimizer tensors of a saved file, for exact comparison.
    func tensors(_ path: String) throws -> [String: StoredTensor] {
        let file = try SafetensorsFile.read(path: path)
        return Dictionary(uniqueKeysWithValues: file.names.map { ($0, file[$0]!) })
    }

    @Test func resumesAfterSIGKILLBitForBit() throws {
        let dir = try workspace(Self.resumable)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let straight = try LRSBinary.run(["run", "run.lrs", "--quiet"], in: dir)
        try #require(straight.status == 0, "\(straight.stderr)")
        let expected = try tensors(dir + "/final.safetensors")
        try FileManager.default.removeItem(atPath: dir + "/final.safetensors")
        try FileManager.default.removeItem(atPath: dir + "/ckpt.safetensors")

        // Start again, and kill it hard once a few checkpoints exist: mid-epoch, most likely.
        let process = try LRSBinary.start(["run", "run.lrs", "--quiet"], in: dir)
        var killedAt: Int?
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            if let meta = try? SafetensorsFile.read(path: dir + "/ckpt.safetensors").metadata["lrs.position"],
               meta.contains("\"epoch\":3") {
                process.signal(SIGKILL)
                killedAt = 3
                break
            }
            usleep(2000)
        }
        if process.isRunning, killedAt == nil { process.signal(SIGKILL) }
        _ = process.wait(timeout: 60)
        try #require(killedAt != nil, "the run ended before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: dir + "/final.safetensors"))

        let resumed = try LRSBinary.run(["run", "run.lrs", "--quiet", "--resume", "ckpt.safetensors"], in: dir)
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let got = try tensors(dir + "/final.safetensors")
        #expect(Set(got.keys) == Set(expected.keys))
        for (name, tensor) in expected {
            #expect(got[name] == tensor, "\(name) differs after resuming")
        }
    }

    @Test func refusesATruncatedCheckpoint() throws {
        let dir = try workspace(Self.resumable.replacingOccurrences(of: "train epochs 24", with: "train epochs 1"))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LRSBinary.run(["run", "run.lrs", "--quiet"], in: dir).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/ckpt.safetensors"))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir + "/ckpt.safetensors"))
        let result = try LRSBinary.run(["run", "run.lrs", "--resume", "ckpt.safetensors"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("error: cannot use 'ckpt.safetensors': corrupt safetensors file"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func stopsOnADivergingLossWithoutTouchingSavedFiles() throws {
        let dir = try workspace("""
            input 64
            model < linear 64 10 >
            optimizer sgd lr 1e38
            data npy "digits_x.npy" "digits_y.npy"
            save "before.safetensors"
            train epochs 3 batch 64
            save "before.safetensors"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs", "--quiet", "--trace", "t.jsonl"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("run.lrs:6:1: error: the loss is"), "\(result.stderr)")
        #expect(result.stderr.contains("learning rates: all 1e+38"))
        // The file saved before training is the initial state, untouched by the failed run.
        let saved = try SafetensorsFile.read(path: dir + "/before.safetensors")
        #expect(saved["0.weight"]?.floats.allSatisfy(\.isFinite) == true)
        // The trace holds the steps that ran.
        let lines = try String(contentsOfFile: dir + "/t.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(!lines.isEmpty)
    }

    @Test func reportsDataFileProblemsAtTheStatement() throws {
        let dir = try workspace("""
            input 8 9
            model < linear 72 10 >
            optimizer adam
            data npy "digits_x.npy" "digits_y.npy"
            train
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("run.lrs:4:10: error: cannot use data file"), "\(result.stderr)")
        #expect(result.stderr.contains("does not agree with `input 8 9`"))
    }

    @Test func trainsOnCSVAndWritesATrace() throws {
        let dir = try workspace("""
            seed 1
            let width = 16
            model < linear 2 width; tanh; linear width 2 >
            optimizer sgd lr 0.1 momentum 0.9
            data csv "xor.csv" label "y"
            train epochs 40 batch 4 shuffle false
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var csv = "a,b,y\n"
        for i in 0 ..< 40 {
            let (a, b) = (i % 2, (i / 2) % 2)
            csv += "\(Double(a) + 0.01 * Double(i % 5)),\(b),\(a ^ b)\n"
        }
        try csv.write(toFile: dir + "/xor.csv", atomically: true, encoding: .utf8)
        let result = try LRSBinary.run(["run", "run.lrs", "--trace", "t.jsonl", "-D", "width=8"], in: dir)
        try #require(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: dir + "/t.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 400)
        #expect(lines.first?.hasPrefix("{\"epoch\": 0, \"step\": 0, \"loss\": ") == true)
        #expect(lines.last?.contains("\"lr\": {\"all\": 0.1}") == true)
        let last = try #require(result.stdout.split(separator: "\n").last)
        #expect(last.hasPrefix("epoch 40/40"))
        #expect(last.contains("acc 100.0%"), "\(last)")
    }

    @Test func aCheckpointAfterTrainStillApplies() throws {
        // A setting of the run, like a group: its place in the script does not matter.
        let dir = try workspace("""
            input 64
            model < linear 64 10 >
            optimizer sgd lr 0.05
            data npy "digits_x.npy" "digits_y.npy"
            train epochs 2 batch 64
            checkpoint every 1 epochs "ckpt.safetensors"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs", "--quiet"], in: dir)
        try #require(result.status == 0, "\(result.stderr)")
        let meta = try SafetensorsFile.read(path: dir + "/ckpt.safetensors").metadata["lrs.position"]
        #expect(meta?.contains("\"epoch\":2") == true, "\(meta ?? "no position")")
    }

    @Test func msePrintsNoAccuracyEvenOnClassLabels() throws {
        // Regressing the class index is not classifying: no accuracy column.
        let dir = try workspace("""
            input 64
            model < linear 64 1 >
            optimizer sgd lr 0.01
            data npy "digits_x.npy" "digits_y.npy"
            split 0.2
            train epochs 1 batch 64 loss mse
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs"], in: dir)
        try #require(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("val_loss"))
        #expect(!result.stdout.contains("acc"), "\(result.stdout)")
    }
}
