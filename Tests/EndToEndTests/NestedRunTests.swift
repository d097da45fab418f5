import LRSFiles
import Foundation
import Testing
import TestSupport

/// `lrs run` on section 12's models: a transformer on `text` data, resumed exactly, and the
/// sequence data's bad input as located errors.
@Suite struct NestedRunTests {
    /// A scratch directory holding `files` (name to contents) and `run.lrs`.
    func workspace(_ script: String, files: [String: [UInt8]] = [:]) throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-nested-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, bytes) in files { try AtomicFile.write(bytes, to: dir + "/" + name) }
        try script.write(toFile: dir + "/run.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    static let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 8).utf8)

    /// A 2-block GPT with attention dropout (masks from the seed), shuffled batches, a
    /// per-step schedule and nanoGPT's groups.
    static func gpt(epochs: Int, checkpoint: Bool = false) -> String {
        """
        seed 5
        input 8
        model <
          embed: embedding 128 16
          pos: posembed 8 16
          blocks: repeat 2 <
            residual < ln1: layernorm 16; attn: attention 16 heads 2 causal true dropout 0.1 >
            residual < ln2: layernorm 16; fc: linear 16 32; gelu; proj: linear 32 16 >
          >
          ln_f: layernorm 16
          head: linear 16 128
        >
        optimizer adamw lr 0.01
        group (linear or attention) where ndim == 2 as decay weight_decay 0.1
        group rest as no_decay weight_decay 0
        schedule all cosine 60 per step
        data text "t.txt" context 8
        \(checkpoint ? "checkpoint every 1 epochs \"ckpt.safetensors\"\n" : "")train epochs \(epochs) batch 8
        save "final.safetensors"
        """
    }

    func tensors(_ path: String) throws -> [String: StoredTensor] {
        let file = try SafetensorsFile.read(path: path)
        return Dictionary(uniqueKeysWithValues: file.names.map { ($0, file[$0]!) })
    }

    @Test func trainsATransformerOnTextAndResumesExactly() throws {
        let dir = try workspace(Self.gpt(epochs: 3), files: ["t.txt": Self.text])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let straight = try LRSBinary.run(["run", "run.lrs", "--trace", "trace.jsonl"], in: dir)
        try #require(straight.status == 0, "\(straight.stderr)")
        // 360 bytes: 44 windows of 8, batches of 8 (the last of 4): 6 steps an epoch.
        let trace = try String(contentsOfFile: dir + "/trace.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(trace.count == 18)
        #expect(straight.stdout.contains("epoch 3/3"), "\(straight.stdout)")
        #expect(straight.stdout.contains("acc"), "\(straight.stdout)")
        let expected = try tensors(dir + "/final.safetensors")
        #expect(expected["blocks.1.0.attn.in_proj_weight"]?.shape == [48, 16])
        #expect(expected["pos.weight"]?.shape == [8, 16])

        // One epoch with a checkpoint, then the rest from it.
        try Self.gpt(epochs: 1, checkpoint: true).write(toFile: dir + "/first.lrs", atomically: true, encoding: .utf8)
        let first = try LRSBinary.run(["run", "first.lrs", "--quiet"], in: dir)
        try #require(first.status == 0, "\(first.stderr)")
        let resumed = try LRSBinary.run(["run", "run.lrs", "--quiet", "--resume", "ckpt.safetensors"], in: dir)
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let got = try tensors(dir + "/final.safetensors")
        #expect(Set(got.keys) == Set(expected.keys))
        for (name, tensor) in expected {
            #expect(got[name] == tensor, "\(name) differs after resuming")
        }
    }

    @Test func tokenIdsOutsideTheEmbeddingNameTheFileAndTheSample() throws {
        let script = """
            input 3
            model < embed: embedding 10 4; head: linear 4 10 >
            optimizer sgd lr 0.1
            data npy "x.npy" "y.npy"
            train epochs 1 batch 2
            """
        let x = NpyArray.serialize(shape: [3, 3], int64s: [1, 2, 3, 4, 5, 6, 7, 12, 9])
        let y = NpyArray.serialize(shape: [3, 3], int64s: [2, 3, 4, 5, 6, 7, 8, 9, 0])
        let dir = try workspace(script, files: ["x.npy": x, "y.npy": y])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("run.lrs:4:10: error: cannot use data file 'x.npy': token id 12 is out of range for an embedding of 10 rows (sample 2, position 1)"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))

        // Bytes of a text file are ids 0-255: an embedding of fewer rows is refused likewise.
        let text = try workspace(script.replacingOccurrences(of: "data npy \"x.npy\" \"y.npy\"", with: "data text \"t.txt\" context 3"),
                                 files: ["t.txt": Array("\u{1}\u{2}\u{3}\u{4}\u{5}A\u{7}".utf8)])
        defer { try? FileManager.default.removeItem(atPath: text) }
        let bytes = try LRSBinary.run(["run", "run.lrs"], in: text)
        #expect(bytes.status == 1)
        #expect(bytes.stderr.contains("cannot use data file 't.txt': token id 65 is out of range for an embedding of 10 rows (sample 1, position 2)"),
                "\(bytes.stderr)")
    }

    @Test func aTextShorterThanOneContextIsALocatedError() throws {
        let dir = try workspace(Self.gpt(epochs: 1), files: ["t.txt": Array("only 8 b".utf8)])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "run.lrs"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("run.lrs:17:11: error: 't.txt' holds 8 bytes; 'text' data with 'context 8' need at least 9 (one context and the byte after it)"),
                "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func targetsThatDoNotFitTheOutputsPositionsAreErrorsAtTrain() throws {
        let script = """
            input 3
            model < embed: embedding 10 4; head: linear 4 10 >
            optimizer sgd lr 0.1
            data npy "x.npy" "y.npy"
            train epochs 1 batch 2
            """
        let x = NpyArray.serialize(shape: [2, 3], int64s: [1, 2, 3, 4, 5, 6])
        // Two targets per sample for three positions.
        let short = try workspace(script, files: ["x.npy": x, "y.npy": NpyArray.serialize(shape: [2, 2], int64s: [1, 2, 3, 4])])
        defer { try? FileManager.default.removeItem(atPath: short) }
        let result = try LRSBinary.run(["run", "run.lrs"], in: short)
        #expect(result.status == 1)
        #expect(result.stderr.contains("run.lrs:5:1: error: cross_entropy on targets of 2 positions per sample needs the model's output to be BATCHx2xCLASSES, it is BATCHx3x10"),
                "\(result.stderr)")
        // One target per sample against per-position logits.
        let flat = try workspace(script, files: ["x.npy": x, "y.npy": NpyArray.serialize(shape: [2], int64s: [1, 2])])
        defer { try? FileManager.default.removeItem(atPath: flat) }
        let other = try LRSBinary.run(["run", "run.lrs"], in: flat)
        #expect(other.status == 1)
        #expect(other.stderr.contains("cross_entropy needs the model's output to be BATCHxCLASSES, it is BATCHx3x10"), "\(other.stderr)")
    }

    /// The two section 12 samples, shortened to `run` epochs (the GPT's warm-up takes 20 of
    /// its 17 steps an epoch), with their own data in a scratch copy of samples/ so that
    /// nothing is written beside them: the GPT's loss falls below a uniform guess's ln 256 =
    /// 5.55 nats per byte, and the ResNet classifies.
    @Test(arguments: [("tiny_gpt.lrs", "train epochs 8", 2, 5.0), ("resnet_digits.lrs", "train epochs 15", 1, 2.0)])
    func samplesTrainForAFewSteps(_ sample: String, _ epochs: String, _ run: Int, _ bound: Double) throws {
        let dir = NSTemporaryDirectory() + "lrs-nested-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let samples = LRSBinary.packageRoot.path + "/samples"
        for name in ["language.txt", "digits_images_x.npy", "digits_y.npy"] {
            try FileManager.default.copyItem(atPath: samples + "/data/" + name, toPath: dir + "/data/" + name)
        }
        let script = try String(contentsOfFile: samples + "/" + sample, encoding: .utf8)
        #expect(script.contains(epochs))
        try script.replacingOccurrences(of: epochs, with: "train epochs \(run)").write(toFile: dir + "/" + sample, atomically: true, encoding: .utf8)
        let result = try LRSBinary.run(["run", sample], in: dir, timeout: 600)
        try #require(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("epoch") })
        let loss = line.split(separator: " ", omittingEmptySubsequences: true).drop { $0 != "loss" }.dropFirst().first
        let value = try #require(loss.flatMap { Double($0) }, "\(line)")
        #expect(value < bound, "\(line)")
        #expect(FileManager.default.fileExists(atPath: dir + "/" + sample.replacingOccurrences(of: ".lrs", with: ".safetensors")))
    }

    /// Parameters are created and initialised from `seed` in the order PyTorch constructs the
    /// equivalent modules: each nested reference case's init.safetensors is PyTorch's state
    /// right after `torch.manual_seed(seed)` and the build, and lrs's own initialisation
    /// (the script without `init`) must equal it.
    @Test(arguments: ["nested_gpt_attention_dropout", "nested_resnet_shortcut", "nested_prenorm_rmsnorm_silu"])
    func defaultInitialisationIsPyTorchsFromTheSeed(_ name: String) throws {
        let dir = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference/" + name))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let script = try String(contentsOfFile: dir + "/case.lrs", encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("init ") && !$0.hasPrefix("train ") && !$0.hasPrefix("save ") }
            .joined(separator: "\n") + "\nsave \"mine.safetensors\"\n"
        try script.write(toFile: dir + "/init.lrs", atomically: true, encoding: .utf8)
        let result = try LRSBinary.run(["run", "init.lrs"], in: dir)
        try #require(result.status == 0, "\(result.stderr)")
        let torch = try tensors(dir + "/init.safetensors"), mine = try tensors(dir + "/mine.safetensors")
        #expect(Set(torch.keys) == Set(mine.keys))
        for (key, expected) in torch {
            let got = try #require(mine[key]).floats
            #expect(zip(got, expected.floats).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) }, "\(name): \(key)")
        }
    }
}
