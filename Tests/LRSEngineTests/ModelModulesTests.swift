import Foundation
import LRSExport
import LRSLanguage
import LRSLayers
import Testing
import TestSupport

/// The export's model text for section 12 (`ModelModules`): readable modules, one function
/// per repeated body, the helper classes only when used. (ExportNestedModelTests runs the
/// text under PyTorch against the runtime.)
struct ModelModulesTests {
    /// Top-level items with the input shapes the checker would give them.
    static func items(_ layers: [NamedLayer], input: [Int]) throws -> [ModelModules.Item] {
        let shapes = try LayerSpec.outputShapes(of: layers, input: input).get()
        return layers.enumerated().map { index, item in
            ModelModules.Item(name: item.name, spec: item.spec, inputShape: index == 0 ? input : shapes[index - 1])
        }
    }

    /// The example of LANGUAGE.md section 12.
    static let sectionExample: [NamedLayer] = [
        NamedLayer("embed", .embedding(count: 256, dim: 64)), NamedLayer("pos", .posembed(length: 32, dim: 64)),
        NamedLayer("blocks", .repeat(count: 4, body: [
            NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: 64)),
                                             NamedLayer("attn", .attention(dim: 64, heads: 4, causal: true))])),
            NamedLayer("1", .residual(body: [NamedLayer("ln2", .layernorm(features: 64)),
                                             NamedLayer("fc", .linear(in: 64, out: 256)), NamedLayer("2", .gelu),
                                             NamedLayer("proj", .linear(in: 256, out: 64))])),
        ])),
        NamedLayer("ln_f", .layernorm(features: 64)), NamedLayer("head", .linear(in: 64, out: 256)),
    ]

    /// A strided residual with a shortcut, labelled and positional bodies, global pooling.
    static let resnetStage: [NamedLayer] = [
        NamedLayer("0", .conv(in: 1, out: 4, kernel: 3, padding: 1)), NamedLayer("1", .silu),
        NamedLayer("down", .residual(body: [NamedLayer("conv", .conv(in: 4, out: 8, kernel: 3, stride: 2, padding: 1)),
                                            NamedLayer("bn", .batchnorm(channels: 8))],
                                     shortcut: [NamedLayer("0", .conv(in: 4, out: 8, kernel: 1, stride: 2, bias: false)),
                                                NamedLayer("1", .batchnorm(channels: 8))])),
        NamedLayer("3", .residual(body: [NamedLayer("0", .conv(in: 8, out: 8, kernel: 3, padding: 1)),
                                         NamedLayer("1", .rmsnorm(features: 3, eps: 1e-6))],
                                  shortcut: [NamedLayer("0", .dropout(p: 0.25))])),
        NamedLayer("4", .globalAvgPool), NamedLayer("5", .linear(in: 8, out: 3)),
    ]

    @Test func sectionExampleIsGolden() throws {
        let text = try ModelModules.text(Self.items(Self.sectionExample, input: [32]))
        if let problem = Golden.mismatch(text + "\n", golden: "export/section12_gpt.py") { Issue.record("\(problem)") }
        #expect(text.contains("(\"blocks\", nn.Sequential(*[blocks_copy() for _ in range(4)])),"))
        #expect(text.contains("SelfAttention(64, 4, causal=True)"))
        #expect(!text.contains("class FlattenLinear"))
    }

    @Test func residualWithShortcutIsGolden() throws {
        let items = try Self.items(Self.resnetStage, input: [1, 6, 6])
        let text = try ModelModules.text(items)
        if let problem = Golden.mismatch(text + "\n", golden: "export/residual_shortcut.py") { Issue.record("\(problem)") }
        #expect(text.contains("shortcut=nn.Sequential("))
        #expect(text.contains("(\"5\", FlattenLinear(8, 3)),"))
        #expect(text.contains("nn.RMSNorm(3, eps=1e-06)"))
        #expect(!text.contains("class SelfAttention") && !text.contains("class PosEmbed"))
    }

    /// A repeat whose body changes the shape: the first copy's linear flattens [2, 3, 3],
    /// the later ones see [18], so each distinct copy is written out.
    @Test func repeatCopiesThatSeeDifferentShapesAreWrittenOut() throws {
        let layers = [NamedLayer("r", .repeat(count: 3, body: [NamedLayer("0", .linear(in: 18, out: 18))]))]
        let text = try ModelModules.text(Self.items(layers, input: [2, 3, 3]))
        #expect(!text.contains("_copy"))
        #expect(text.components(separatedBy: "FlattenLinear(18, 18)").count == 2)
        #expect(text.components(separatedBy: "nn.Linear(18, 18)").count == 3)
    }

    /// Nested repeats: one function per body, the inner one called from the outer one.
    @Test func nestedRepeatsShareTheirFunctions() throws {
        let layers = [NamedLayer("outer", .repeat(count: 2, body: [
            NamedLayer("inner", .repeat(count: 3, body: [NamedLayer("0", .linear(in: 4, out: 4))])),
            NamedLayer("1", .relu),
        ]))]
        let text = try ModelModules.text(Self.items(layers, input: [4]))
        #expect(text.contains("def outer_0_inner_copy():"))
        #expect(text.contains("def outer_copy():"))
        #expect(text.contains("(\"inner\", nn.Sequential(*[outer_0_inner_copy() for _ in range(3)])),"))
        #expect(text.components(separatedBy: "def ").count == 3 + 1)
    }
}

/// Section 12 scripts through `PyTorchExport.program`: what the program writes around the
/// model, and a nested label PyTorch cannot name.
struct NestedScriptExportTests {
    static let gpt = """
        seed 3
        model <
          embed: embedding 256 16
          pos: posembed 8 16
          blocks: repeat 2 < residual < ln: rmsnorm 16; attn: attention 16 heads 2 causal true > >
          head: linear 16 256
        >
        optimizer adamw lr 0.01
        data text "t.txt" context 8
        split 0.1
        train epochs 1 batch 4
        """

    @Test func textDataSequenceLossAndPositionAccuracy() throws {
        // The checker reads the text file's length: one beside the script.
        let directory = NSTemporaryDirectory() + "lrs-nested-export-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try String(repeating: "to be or not to be; ", count: 10).write(toFile: directory + "/t.txt", atomically: true, encoding: .utf8)
        let outcome = PyTorchExport.check(SourceFile(path: directory + "/case.lrs", text: Self.gpt))
        let script = try #require(outcome.script, "\(outcome.diagnostics.map(\.message))")
        let program = try PyTorchExport.program(script, try #require(outcome.resolution))
        #expect(program.contains("x, y = load_text(\"t.txt\", context=8)"))
        #expect(program.contains("np.frombuffer(f.read(), dtype=np.uint8).astype(np.int64)"))
        #expect(program.contains("return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))"))
        #expect(program.contains("loss_fn = sequence_cross_entropy if data[1].dtype == torch.int64 else nn.MSELoss()"))
        #expect(program.contains("correct += (out.argmax(-1) == yb).sum().item()"))
        #expect(program.contains("accuracy {correct / (count * y.shape[1]):.4f}"))
        #expect(program.contains("return total / len(x), correct / y.numel()"))
        #expect(program.contains("(\"blocks\", nn.Sequential(*[blocks_copy() for _ in range(2)])),"))
        // A flat classifier keeps its per-sample accuracy and loss.
        let flat = try ExportTests.export(ExportTests.seed2)
        #expect(flat.contains("correct += (out.argmax(1) == yb).sum().item()"))
        #expect(!flat.contains("sequence_cross_entropy"))
    }

    @Test func nestedLabelNamedLikeAModuleAttributeIsRefusedAtItsBlock() throws {
        let (refusal, source) = try ExportTests.refusal("""
            input 4
            model <
              relu
              stage: < fc: linear 4 4; train: relu >
            >
            optimizer sgd lr 0.1
            """)
        #expect(refusal.message.contains("'train'"))
        let range = try #require(refusal.range)
        #expect(source.location(of: range.start).line == 4)
    }
}
