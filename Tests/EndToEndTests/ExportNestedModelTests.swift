import Foundation
import LRSExport
import LRSFiles
import LRSLayers
import LRSRuntime
import Testing
import TestSupport

/// Section 12's models as the export writes them (`ModelModules`), built by PyTorch after
/// `torch.manual_seed(SEED)`: the same state_dict names in the same order, the same initial
/// values, and the same output for one batch as the runtime's `Sequential`.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportNestedModelTests {
    /// A small GPT: embedding, positions (longer than the context), two blocks of causal
    /// attention and an MLP with rmsnorm and silu, a biasless non-causal attention, a head.
    static let gpt: [NamedLayer] = {
        let block: [NamedLayer] = [
            NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: 16)),
                                             NamedLayer("attn", .attention(dim: 16, heads: 4, causal: true))])),
            NamedLayer("1", .residual(body: [NamedLayer("ln2", .rmsnorm(features: 16)),
                                             NamedLayer("fc", .linear(in: 16, out: 64)), NamedLayer("2", .silu),
                                             NamedLayer("proj", .linear(in: 64, out: 16))])),
            NamedLayer("2", .residual(body: [NamedLayer("0", .rmsnorm(features: 16, eps: 1e-5)),
                                             NamedLayer("1", .attention(dim: 16, heads: 2, bias: false))])),
        ]
        return [NamedLayer("embed", .embedding(count: 256, dim: 16)), NamedLayer("pos", .posembed(length: 8, dim: 16)),
                NamedLayer("blocks", .repeat(count: 2, body: block)), NamedLayer("ln_f", .layernorm(features: 16)),
                NamedLayer("head", .linear(in: 16, out: 256))]
    }()

    /// A small ResNet: a stem, a repeated stage of plain residual blocks, a strided block
    /// whose shortcut is a conv and a batchnorm, global average pooling, a flattening head.
    static let resnet: [NamedLayer] = {
        func conv(_ a: Int, _ b: Int, stride: Int = 1) -> LayerSpec {
            .conv(in: a, out: b, kernel: 3, stride: stride, padding: 1, bias: false)
        }
        let plain: [NamedLayer] = [
            NamedLayer("0", .residual(body: [NamedLayer("conv1", conv(8, 8)), NamedLayer("bn1", .batchnorm(channels: 8)),
                                             NamedLayer("2", .relu), NamedLayer("conv2", conv(8, 8)),
                                             NamedLayer("bn2", .batchnorm(channels: 8))])),
            NamedLayer("1", .relu),
        ]
        let down = LayerSpec.residual(
            body: [NamedLayer("0", conv(8, 16, stride: 2)), NamedLayer("1", .batchnorm(channels: 16)), NamedLayer("2", .relu),
                   NamedLayer("3", conv(16, 16)), NamedLayer("4", .batchnorm(channels: 16))],
            shortcut: [NamedLayer("0", .conv(in: 8, out: 16, kernel: 1, stride: 2, bias: false)),
                       NamedLayer("1", .batchnorm(channels: 16))])
        return [NamedLayer("stem", conv(3, 8)), NamedLayer("bn", .batchnorm(channels: 8)), NamedLayer("2", .relu),
                NamedLayer("stage1", .repeat(count: 2, body: plain)),
                NamedLayer("stage2", .sequence([NamedLayer("0", down), NamedLayer("1", .relu)])),
                NamedLayer("pool", .globalAvgPool), NamedLayer("head", .linear(in: 16, out: 10))]
    }()

    struct Comparison {
        var names: [String] = []
        var torchNames: [String] = []
        var worstState = 0.0
        var output = 0.0
    }

    /// Builds `items` in lrs and in PyTorch (seed `seed`), runs one batch through both in
    /// training mode, and measures the largest relative differences.
    static func compare(_ items: [NamedLayer], input: [Int], batch: Int, ids: Bool, seed: UInt64) throws -> Comparison {
        // Each top-level item's input shape, as the checker gives it.
        let shapes = try LayerSpec.outputShapes(of: items, input: input).get()
        let text = try ModelModules.text(items.enumerated().map { index, item in
            ModelModules.Item(name: item.name, spec: item.spec, inputShape: index == 0 ? input : shapes[index - 1])
        })
        let count = batch * input.reduce(1, *)
        let values: [Float] = (0..<count).map { ids ? Float($0 * 37 % 256) : Float($0 * 37 % 101) / 50 - 1 }
        let shape = ([batch] + input).map(String.init).joined(separator: ", ")
        let makeInput = ids ? "(torch.arange(\(count)) * 37 % 256).reshape(\(shape))"
            : "((torch.arange(\(count)) * 37 % 101).float() / 50 - 1).reshape(\(shape))"
        let program = """
            import json
            from collections import OrderedDict

            import torch
            from safetensors.torch import save_file
            from torch import nn


            \(text)


            torch.manual_seed(\(seed))
            model = build_model()
            state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
            state["output"] = model(\(makeInput)).detach().contiguous()
            save_file(state, "torch.safetensors")
            print(json.dumps(list(model.state_dict().keys())))

            """
        let directory = NSTemporaryDirectory() + "lrs-nested-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try program.write(toFile: directory + "/model.py", atomically: true, encoding: .utf8)
        let run = try ExportPython.python(["model.py"], in: directory, timeout: 120)
        try #require(run.status == 0, "the exported model failed: \(run.stderr)\n\(program)")
        let saved = try SafetensorsFile.read(path: directory + "/torch.safetensors")

        let model = Sequential(layers: items.map { ($0.name, $0.spec) }, inputShape: input,
                               generator: RandomGenerator(seed: seed))
        var comparison = Comparison()
        comparison.torchNames = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String] ?? []
        for (name, entry) in model.stateDict {
            comparison.names.append(name)
            let want: [Double]
            switch entry {
            case .parameter(let p): want = p.value.values.map(Double.init)
            case .tensor(let t): want = t.values.map(Double.init)
            case .counter: continue
            }
            let got = try #require(saved[name], "\(name) not in PyTorch's state_dict").doubles
            comparison.worstState = max(comparison.worstState, relativeDifference(got, want))
        }
        let output = model.forward(Tensor(shape: [batch] + input, values: values)).values.map(Double.init)
        comparison.output = relativeDifference(try #require(saved["output"]).doubles, output)
        return comparison
    }

    /// ||a - b|| / ||b|| (infinite when the counts differ).
    static func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
        guard a.count == b.count else { return .infinity }
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            difference += (x - y) * (x - y)
            norm += y * y
        }
        return norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
    }

    @Test func gptBuildsLrsInitialWeightsAndOutput() throws {
        let result = try Self.compare(Self.gpt, input: [6], batch: 3, ids: true, seed: 7)
        #expect(result.names == result.torchNames)
        #expect(result.names.count == 2 + 2 * 14 + 4)
        #expect(result.names.contains("blocks.1.2.1.in_proj_weight") && !result.names.contains("blocks.1.2.1.in_proj_bias"))
        #expect(result.worstState <= 1e-6, "initial weights differ by \(result.worstState)")
        #expect(result.output <= 1e-5, "outputs differ by \(result.output)")
    }

    @Test func resnetBuildsLrsInitialWeightsAndOutput() throws {
        let result = try Self.compare(Self.resnet, input: [3, 8, 8], batch: 4, ids: false, seed: 3)
        #expect(result.names == result.torchNames)
        #expect(result.names.contains("stage2.0.shortcut.1.running_var"))
        #expect(result.names.contains("stage1.1.0.bn2.weight"))
        #expect(result.worstState <= 1e-6, "initial weights differ by \(result.worstState)")
        #expect(result.output <= 1e-5, "outputs differ by \(result.output)")
    }
}

/// The same through the command line: `lrs run` and the program `lrs export` writes, from
/// the seed alone (no `init` file), on section 12 scripts.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportNestedScriptTests {
    static let gpt = """
        seed 21
        input 8
        model <
          embed: embedding 128 16
          pos: posembed 12 16
          blocks: repeat 2 <
            residual < ln1: layernorm 16; attn: attention 16 heads 2 causal true >
            residual < ln2: rmsnorm 16; fc: linear 16 32; silu; proj: linear 32 16 >
          >
          ln_f: layernorm 16
          head: linear 16 128 bias false
        >
        optimizer adamw lr 0.01 betas 0.9 0.95 eps 1e-4
        group (linear or attention) where ndim == 2 as decay weight_decay 0.1
        group rest as no_decay weight_decay 0
        schedule all cosine 30 per step
        """

    static let resnet = """
        seed 22
        input 2 6 6
        model <
          stem: < conv 2 4 3 padding 1 bias false; batchnorm 4; relu >
          stage1: repeat 2 < residual < conv 4 4 3 padding 1 bias false; batchnorm 4; relu; conv 4 4 3 padding 1 bias false; batchnorm 4 >; relu >
          stage2: residual < conv 4 8 3 stride 2 padding 1; batchnorm 8; silu > shortcut < conv 4 8 1 stride 2 bias false; batchnorm 8 >
          avgpool global
          fc: linear 8 3
        >
        optimizer sgd lr 0.05 momentum 0.9 nesterov true
        """

    static func directory(_ files: [String: String]) throws -> String {
        let directory = NSTemporaryDirectory() + "lrs-nested-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8) }
        return directory
    }

    /// The largest per-tensor ||a - b|| / ||b|| over two safetensors files with the same names
    /// (lrs's optimizer state, `optimizer.*`, left out).
    static func worstDifference(_ a: String, _ b: String) throws -> (names: Bool, worst: Double) {
        let got = try SafetensorsFile.read(path: a), want = try SafetensorsFile.read(path: b)
        let names = want.names.filter { !$0.hasPrefix("optimizer.") }
        var worst = 0.0
        for name in names {
            guard let g = got[name], let w = want[name] else { return (false, .infinity) }
            if w.type == .i64 {
                worst = max(worst, g.int64s == w.int64s ? 0 : .infinity)
            } else {
                worst = max(worst, ExportNestedModelTests.relativeDifference(g.doubles, w.doubles))
            }
        }
        return (Set(got.names) == Set(names), worst)
    }

    /// `save` before any training: the exported program's model after `torch.manual_seed`
    /// is lrs's, value for value.
    @Test(arguments: ["gpt", "resnet"])
    func exportedModelStartsFromLrsInitialWeights(_ name: String) throws {
        let script = (name == "gpt" ? Self.gpt : Self.resnet) + "\nsave \"init.safetensors\"\n"
        let directory = try Self.directory(["model.lrs": script])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try LRSBinary.run(["run", "model.lrs"], in: directory)
        try #require(run.status == 0, "lrs run failed: \(run.stderr)")
        try FileManager.default.moveItem(atPath: directory + "/init.safetensors", toPath: directory + "/lrs.safetensors")
        let export = try LRSBinary.run(["export", "model.lrs", "--to", "pytorch", "-o", "model_exported.py"], in: directory)
        try #require(export.status == 0, "lrs export failed: \(export.stderr)")
        let program = try ExportPython.python(["model_exported.py"], in: directory, timeout: 120)
        try #require(program.status == 0, "the exported program failed: \(program.stderr)")
        let (names, worst) = try Self.worstDifference(directory + "/init.safetensors", directory + "/lrs.safetensors")
        #expect(names)
        #expect(worst == 0, "initial weights differ by \(worst)")
    }

    /// Token ids from npy ([N, T] targets), attention dropout and dropout in the MLP,
    /// shuffled batches: the exported program draws the masks and the order lrs draws.
    @Test func idsFromNpyWithDropoutTrainAsLrsRunDoes() throws {
        let script = """
            seed 4
            input 8
            model <
              embed: embedding 64 16
              pos: posembed 8 16
              blocks: repeat 2 <
                residual < ln1: layernorm 16; attn: attention 16 heads 2 causal true dropout 0.1 >
                residual < ln2: layernorm 16; fc: linear 16 32; gelu; drop: dropout 0.2; proj: linear 32 16 >
              >
              ln_f: layernorm 16
              head: linear 16 64
            >
            optimizer adamw lr 0.01 eps 1e-4
            data npy "x.npy" "y.npy"
            train epochs 2 batch 8 shuffle true
            save "out.safetensors"

            """
        let directory = try Self.directory(["model.lrs": script])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let ids: [Int64] = (0..<(40 * 8)).map { (i: Int) -> Int64 in Int64((i * 37 + i / 8) % 64) }
        try AtomicFile.write(NpyArray.serialize(shape: [40, 8], int64s: ids), to: directory + "/x.npy")
        try AtomicFile.write(NpyArray.serialize(shape: [40, 8], int64s: ids.map { (id: Int64) -> Int64 in (id * 7 + 3) % 64 }), to: directory + "/y.npy")
        try Self.compareRuns(in: directory, steps: 10)
    }

    /// Runs `model.lrs` with `lrs run` and as exported; the traces and saved weights agree.
    /// (The scripts use Adam's eps 1e-4: attention's key bias gets no gradient but rounding
    /// noise, which the default eps would turn into full-size steps in both, differently.)
    static func compareRuns(in directory: String, steps: Int) throws {
        let run = try LRSBinary.run(["run", "model.lrs", "--trace", "lrs.jsonl"], in: directory)
        try #require(run.status == 0, "lrs run failed: \(run.stderr)")
        try FileManager.default.moveItem(atPath: directory + "/out.safetensors", toPath: directory + "/lrs.safetensors")
        let export = try LRSBinary.run(["export", "model.lrs", "--to", "pytorch", "-o", "model_exported.py"], in: directory)
        try #require(export.status == 0, "lrs export failed: \(export.stderr)")
        let program = try ExportPython.python(["model_exported.py", "--trace", "torch.jsonl"], in: directory, timeout: 300)
        try #require(program.status == 0, "the exported program failed: \(program.stderr)")
        let lrs = try ExportPython.readTrace(directory + "/lrs.jsonl")
        let torch = try ExportPython.readTrace(directory + "/torch.jsonl")
        #expect(lrs.count == steps)
        try #require(torch.count == lrs.count)
        for (t, l) in zip(torch, lrs) {
            #expect(ExportRunTests.relativeDifference(t.loss, l.loss) <= 1e-5, "step \(l.step): \(t.loss), lrs \(l.loss)")
            #expect(t.rates.map(\.group) == l.rates.map(\.group))
        }
        let (names, worst) = try worstDifference(directory + "/out.safetensors", directory + "/lrs.safetensors")
        #expect(names)
        #expect(worst <= 1e-5, "final weights differ by \(worst)")
        // Accuracy over positions, as lrs reports it (`acc 20.0%` and `accuracy 0.2000`).
        func accuracies(_ text: String, after marker: String) -> [Double] {
            text.split(separator: "\n").compactMap { line in
                guard let start = line.range(of: marker) else { return nil }
                return Double(line[start.upperBound...].prefix { $0.isNumber || $0 == "." })
            }
        }
        let lrsAccuracy = accuracies(run.stdout, after: "acc ").map { $0 / 100 }
        let torchAccuracy = accuracies(program.stdout, after: "accuracy ")
        #expect(lrsAccuracy.count == torchAccuracy.count && !lrsAccuracy.isEmpty, "\(run.stdout)\n\(program.stdout)")
        for (l, t) in zip(lrsAccuracy, torchAccuracy) { #expect(abs(l - t) < 1e-3, "accuracy \(t), lrs \(l)") }
    }

    /// A transformer on `text` data from its seed: the exported program's trace and saved
    /// weights are `lrs run`'s.
    @Test func textDataTrainsAsLrsRunDoes() throws {
        let text = String(repeating: "a stitch in time saves nine; ", count: 12)
        let script = Self.gpt + """

            data text "t.txt" context 8
            train epochs 2 batch 8 loss cross_entropy shuffle false
            save "out.safetensors"

            """
        let directory = try Self.directory(["model.lrs": script, "t.txt": text])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // 348 bytes: 43 windows of 8, 6 batches an epoch (the last of 3).
        try Self.compareRuns(in: directory, steps: 12)
    }
}
