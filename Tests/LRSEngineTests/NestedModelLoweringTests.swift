import Testing
import LRSEngine
import LRSLanguage
import LRSRuntime

/// The checker's nested model passes to the runtime unchanged: the names `lrs check`
/// prints are the names `Sequential` gives (PyTorch's state_dict names), in its order.
@Suite struct NestedModelLoweringTests {
    static func checked(_ text: String) throws -> CheckedModel {
        let result = Checker.check(SourceFile(path: "nested.lrs", text: text), options: Checker.Options(checkFiles: false))
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.message))")
        return try #require(result.script?.model)
    }

    static let gpt = """
        input 8
        model <
          embed: embedding 256 16
          pos: posembed 32 16
          blocks: repeat 4 <
            residual < ln1: layernorm 16; attn: attention 16 heads 4 causal true >
            residual < ln2: layernorm 16; fc: linear 16 64; gelu; proj: linear 64 16 >
          >
          ln_f: layernorm 16
          head: linear 16 256
        >
        """

    static let resnet = """
        input 3 8 8
        model <
          stem: conv 3 4 3 padding 1 bias false
          bn: batchnorm 4
          relu
          stages: repeat 2 <
            residual < conv1: conv 4 4 3 padding 1 bias false; bn1: batchnorm 4; relu; conv2: conv 4 4 3 padding 1 >
            relu
          >
          down: residual < conv 4 8 3 stride 2 padding 1; batchnorm 8 >
            shortcut < conv 4 8 1 stride 2 bias false; batchnorm 8 >
          avgpool global
          flatten
          head: linear 8 10
        >
        """

    @Test(arguments: [gpt, resnet])
    func checkerNamesAreTheRuntimes(_ text: String) throws {
        let model = try Self.checked(text)
        let built = ModelLowering.build(model, generator: RandomGenerator(seed: 0))
        #expect(built.stateDict.map(\.name) == model.stateDict.map(\.name))
        #expect(built.parameters.map(\.name) == model.parameters.map(\.name))
        #expect(built.parameters.map(\.parameter.shape) == model.parameters.map(\.shape))
        #expect(built.outputShape == model.outputShape)
    }
}

extension NestedModelLoweringTests {
    static func activationBytes(_ model: String) throws -> Int {
        let script = try #require(Checker.check(SourceFile(path: "m.lrs", text: "input 8\nmodel < \(model) >\ntrain batch 16\n"),
                                                options: Checker.Options(checkFiles: false)).script)
        return try #require(MemoryEstimate.parts(for: script).first { $0.part.what.hasPrefix("activations") }).part.bytes
    }

    /// The memory estimate counts every layer inside blocks, each repeat's copy.
    @Test func activationsCountLayersAtEveryDepth() throws {
        let nested = try Self.activationBytes("repeat 3 < linear 8 8; relu >")
        let flat = try Self.activationBytes("linear 8 8; relu; linear 8 8; relu; linear 8 8; relu")
        #expect(nested == flat)
        #expect(try Self.activationBytes("a: < linear 8 8; relu >") == Self.activationBytes("linear 8 8; relu"))
        #expect(try Self.activationBytes("residual < linear 8 8 >") > Self.activationBytes("linear 8 8"))
    }
}

extension NestedModelLoweringTests {
    /// `where` predicates read the values a run starts from, one top-level item at a time.
    @Test(arguments: [gpt, resnet])
    func layerwiseInitialValuesAreTheBuiltModels(_ text: String) throws {
        let script = try #require(Checker.check(SourceFile(path: "n.lrs", text: "seed 5\n" + text),
                                                options: Checker.Options(checkFiles: false)).script)
        let factory = ModelFactory(script)
        let layerwise = factory.layerwiseInitialValues
        let built = ModelLowering.build(script.model, generator: RandomGenerator(seed: 5))
        // Out of order on purpose: going back re-draws from a kept state.
        for (name, parameter) in built.parameters.reversed() {
            #expect(layerwise(name)?.values == parameter.value.values, "\(name)")
        }
    }
}
