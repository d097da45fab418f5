import Testing
import LRSLayers
@testable import LRSLanguage

/// Section 12 in the front end: nested blocks parsed, named as PyTorch's state_dict names
/// the equivalent modules, shapes followed through every block, bad blocks located.
@Suite struct NestedModelCheckTests {
    static let gpt = """
        input 32
        model <
          embed: embedding 256 64
          pos: posembed 32 64
          blocks: repeat 4 <
            residual < ln1: layernorm 64; attn: attention 64 heads 4 causal true >
            residual < ln2: layernorm 64; fc: linear 64 256; gelu; proj: linear 256 64 >
          >
          ln_f: layernorm 64
          head: linear 64 256
        >
        """

    static let resnet = """
        input 3 8 8
        model <
          stem: conv 3 4 3 padding 1 bias false
          bn: batchnorm 4
          relu
          stage: <
            residual < conv1: conv 4 8 3 stride 2 padding 1 bias false; bn1: batchnorm 8; relu >
              shortcut < conv 4 8 1 stride 2 bias false; batchnorm 8 >
            relu
          >
          avgpool global
          flatten
          head: linear 8 10
        >
        """

    func model(_ text: String) throws -> CheckedModel {
        let result = check(text)
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.message))")
        return try #require(result.script?.model)
    }

    @Test func itemsParseAsBlocks() throws {
        let (script, diagnostics) = parse(Self.gpt)
        #expect(!diagnostics.hasErrors)
        guard case .model(let model)? = script.statements.last?.kind else {
            Issue.record("not a model")
            return
        }
        #expect(model.items.map { $0.label?.text } == ["embed", "pos", "blocks", "ln_f", "head"])
        guard case .block(let blocks) = model.items[2], case .repeat = blocks.kind else {
            Issue.record("no repeat")
            return
        }
        #expect(blocks.body.count == 2 && blocks.body.allSatisfy(\.isBlock))
    }

    @Test func namesAreTheStateDictNamesOfTheSpecExample() throws {
        let model = try model(Self.gpt)
        let names = model.parameters.map(\.name)
        #expect(names.prefix(8) == ["embed.weight", "pos.weight", "blocks.0.0.ln1.weight", "blocks.0.0.ln1.bias",
                                    "blocks.0.0.attn.in_proj_weight", "blocks.0.0.attn.in_proj_bias",
                                    "blocks.0.0.attn.out_proj.weight", "blocks.0.0.attn.out_proj.bias"])
        #expect(names.contains("blocks.3.1.proj.bias"))
        #expect(names.suffix(4) == ["ln_f.weight", "ln_f.bias", "head.weight", "head.bias"])
        #expect(names.count == 2 + 4 * 12 + 4)
        #expect(model.takesTokenIds)
        #expect(model.outputShape == [32, 256])
        #expect(model.layers.map(\.name) == ["embed", "pos", "blocks", "ln_f", "head"])
        #expect(model.layers[2].kind == .repeat(count: 4))
        // Each layer with parameters, through nesting, by its dotted name.
        #expect(model.parameterLayerCount == 2 + 4 * 5 + 2)
        #expect(model.parameterLayerNames.prefix(4) == ["embed", "pos", "blocks.0.0.ln1", "blocks.0.0.attn"])
        let attn = try #require(model.parameters.first { $0.name == "blocks.2.0.attn.out_proj.weight" })
        #expect(attn.layerName == "blocks.2.0.attn" && attn.layerKind == .attention && attn.labels == ["blocks", "attn"])
        #expect(attn.parameterLayerIndex == 2 + 2 * 5 + 1 && attn.layerIndex == 2)
    }

    @Test func shortcutsAreNamedUnderTheResidual() throws {
        let model = try model(Self.resnet)
        #expect(model.stateDict.map(\.name).filter { $0.hasPrefix("stage.") } == [
            "stage.0.conv1.weight", "stage.0.bn1.weight", "stage.0.bn1.bias", "stage.0.bn1.running_mean",
            "stage.0.bn1.running_var", "stage.0.bn1.num_batches_tracked", "stage.0.shortcut.0.weight",
            "stage.0.shortcut.1.weight", "stage.0.shortcut.1.bias", "stage.0.shortcut.1.running_mean",
            "stage.0.shortcut.1.running_var", "stage.0.shortcut.1.num_batches_tracked"])
        #expect(model.outputShape == [10])
        #expect(!model.takesTokenIds)
        let pool = try #require(model.items.first { $0.spec == .globalAvgPool })
        #expect(pool.outputShape == [8, 1, 1] && pool.kind == .layer(.avgpool))
        #expect(model.items.map(\.name).contains("stage.0.shortcut.1"))
    }

    @Test func linearTakesTheLastDimension() throws {
        let model = try model("input 5 6\nmodel < fc: linear 6 3; relu; out: linear 15 2 >")
        #expect(model.items.map(\.outputShape) == [[5, 3], [5, 3], [2]])
        #expect(model.items.map(\.flattensInput) == [false, false, true])
    }

    @Test func shapesInsideBlocksNameTheDottedLayer() throws {
        let result = check("""
            input 64
            model <
              blocks: repeat 4 <
                relu
                fc: linear 64 128
              >
            >
            """)
        let diagnostic = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(diagnostic.message == "layer 'blocks.1.fc' expects input 64 features, but gets 128 features")
        #expect(result.source.location(of: diagnostic.range?.start ?? 0).line == 5)
        #expect(result.diagnostics.filter { $0.severity == .error }.count == 1)
    }
}

extension CheckResult {
    var source: SourceFile { syntax.source }
}

/// Every mistake in a nested model is a located error, never a crash.
@Suite struct NestedModelErrorTests {
    /// The error messages of `input 4` and the model `items`, with their lines and columns.
    func located(_ items: String, input: String = "input 4") -> [String] {
        let result = check("\(input)\nmodel <\n  \(items)\n>")
        return result.diagnostics.filter { $0.severity == .error }.map { diagnostic in
            let location = result.source.location(of: diagnostic.range?.start ?? 0)
            return "\(location.line):\(location.column): \(diagnostic.message)"
        }
    }

    @Test func badBlocksAreLocatedErrors() {
        #expect(located("repeat 0 < linear 4 4 >") == ["3:10: the count of 'repeat' must be at least 1, got 0"])
        #expect(located("r: residual < linear 4 8 >")
                == ["3:6: the body of residual 'r' changes the shape from 4 to 8 without a shortcut"])
        #expect(located("residual < linear 4 8 > shortcut < linear 4 6 >")
                == ["3:3: the body of residual '0' gives 8, but its shortcut gives 6"])
        #expect(located("residual < linear 4 8 >\n  shortcut < linear 4 8 >").isEmpty)
        #expect(located("residual < >") == ["3:12: the 'residual' has no items"])
        #expect(located("residual < shortcut: linear 4 4 > shortcut < relu >")
                == ["3:14: more than one layer is named 'shortcut'"])
        #expect(located("a: < relu >; a: < relu >") == ["3:16: more than one layer is named 'a'"])
        #expect(located("residul < relu >") == ["3:3: unknown layer 'residul'; did you mean 'residual'?"])
        #expect(located("repeat < relu >") == ["3:10: expected the number of copies after 'repeat', found '<'"])
        #expect(located("repeat 1000000 < repeat 1000000 < relu > >")
                == ["2:1: the model has more than 100000 items once its 'repeat' blocks are expanded"])
    }

    @Test func badNewLayersAreLocatedErrors() {
        #expect(located("attention 4 heads 3", input: "input 2 4") == ["3:21: 'heads' of 'attention' must divide its width 4, got 3"])
        #expect(located("attention 4", input: "input 2 4") == ["3:3: 'attention' needs 'heads'"])
        #expect(located("attention 4 heads 2 dropout 2", input: "input 2 4")
                == ["3:31: 'dropout' of 'attention' must be between 0 and 1, got 2"])
        #expect(located("embedding 10 4; posembed 2 4")
                == ["3:19: layer '1' expects input Tx4 with T at most 2, but gets 4x4"])
        #expect(located("linear 4 4; embedding 10 4")
                == ["3:15: 'embedding' takes integer ids, so it must be the model's first layer (outside any 'residual' or 'repeat')"])
        #expect(located("repeat 2 < embedding 10 4 >").count == 1)
        #expect(located("avgpool global stride 2", input: "input 1 4 4") == ["3:3: 'avgpool global' takes no other arguments, got 1"])
        #expect(located("rmsnorm 4 eps -1") == ["3:17: 'eps' of 'rmsnorm' must be at least 0, got -1"])
        #expect(located("attention 4 heads 2") == ["3:3: layer '0' expects input Tx4, but gets 4"])
    }

    @Test func embeddingModelsNeedTheirSequenceLength() {
        let result = check("model < embedding 10 4; linear 4 10 >")
        #expect(result.diagnostics.map(\.message).contains(
            "cannot infer the input shape (an 'embedding' takes sequences of token ids; 'input T' gives their length); add an 'input' statement"))
    }

    @Test func deepNestingIsOneLocatedError() {
        let text = "model < " + String(repeating: "a: < ", count: 70) + "relu" + String(repeating: " >", count: 71)
        let result = check(text)
        let messages = result.diagnostics.filter { $0.severity == .error }.map(\.message)
        #expect(messages == ["nested more than 64 levels deep"])
        // Hostile depth: linear time, one error.
        let deep = "model < " + String(repeating: "<", count: 200_000) + String(repeating: ">", count: 200_001)
        #expect(check(deep).diagnostics.filter { $0.severity == .error }.count == 1)
    }

    @Test func forgottenClosersPointAtTheInnermostOpener() {
        let result = check("model <\n  a: residual < linear 4 4\n  relu\noptimizer sgd\n")
        #expect(result.diagnostics.map(\.message).contains("expected '>' (to close '<' at line 2)"))
        #expect(result.diagnostics.filter { $0.severity == .error }.count <= 2)
    }
}
