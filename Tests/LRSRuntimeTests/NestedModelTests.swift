import Testing
import LRSLayers
@testable import LRSRuntime

/// Section 12 in the runtime: nested names as PyTorch's state_dict, shapes through blocks, bad
/// ids and targets as errors, the attention split across threads as it runs serially.
@Suite(.serialized) struct NestedModelTests {
    /// The example of LANGUAGE.md section 12 at width 16.
    static func gpt(blocks: Int = 4, width: Int = 16, context: Int = 8, dropout: Double = 0) -> Sequential {
        let block: [NamedLayer] = [
            NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: width)),
                                             NamedLayer("attn", .attention(dim: width, heads: 4, causal: true, dropout: dropout))])),
            NamedLayer("1", .residual(body: [NamedLayer("ln2", .layernorm(features: width)),
                                             NamedLayer("fc", .linear(in: width, out: 4 * width)), NamedLayer("2", .gelu),
                                             NamedLayer("proj", .linear(in: 4 * width, out: width))])),
        ]
        return Sequential(layers: [("embed", .embedding(count: 256, dim: width)), ("pos", .posembed(length: 32, dim: width)),
                                   ("blocks", .repeat(count: blocks, body: block)), ("ln_f", .layernorm(features: width)),
                                   ("head", .linear(in: width, out: 256))],
                          inputShape: [context], generator: RandomGenerator(seed: 1))
    }

    @Test func namesAreTheStateDictsOfTheEquivalentModules() {
        let names = Self.gpt().parameters.map(\.name)
        #expect(names.prefix(10) == ["embed.weight", "pos.weight", "blocks.0.0.ln1.weight", "blocks.0.0.ln1.bias",
                                     "blocks.0.0.attn.in_proj_weight", "blocks.0.0.attn.in_proj_bias",
                                     "blocks.0.0.attn.out_proj.weight", "blocks.0.0.attn.out_proj.bias",
                                     "blocks.0.1.ln2.weight", "blocks.0.1.ln2.bias"])
        #expect(names.contains("blocks.3.1.proj.bias"))
        #expect(names.suffix(4) == ["ln_f.weight", "ln_f.bias", "head.weight", "head.bias"])
        #expect(names.count == 2 + 4 * 12 + 4)
        let resnet = Sequential(layers: [("0", .residual(body: [NamedLayer("conv", .conv(in: 1, out: 2, kernel: 3, stride: 2, padding: 1))],
                                                         shortcut: [NamedLayer("0", .conv(in: 1, out: 2, kernel: 1, stride: 2, bias: false)),
                                                                    NamedLayer("1", .batchnorm(channels: 2))]))],
                                inputShape: [1, 4, 4], generator: RandomGenerator(seed: 0))
        #expect(resnet.stateDict.map(\.name) == ["0.conv.weight", "0.conv.bias", "0.shortcut.0.weight", "0.shortcut.1.weight",
                                                 "0.shortcut.1.bias", "0.shortcut.1.running_mean", "0.shortcut.1.running_var",
                                                 "0.shortcut.1.num_batches_tracked"])
        #expect(resnet.outputShape == [2, 2, 2])
        #expect(Self.gpt().outputShape == [8, 256])
    }

    @Test func badShapesInsideBlocksAreLocated() {
        func failure(_ spec: LayerSpec, _ input: [Int]) -> ShapeFailure? {
            if case .failure(let error) = Sequential.outputShapes(of: [.relu, spec], inputShape: input) { return error }
            return nil
        }
        let inner = failure(.repeat(count: 3, body: [NamedLayer("0", .residual(body: [NamedLayer("fc", .linear(in: 64, out: 4))]))]),
                            [2, 64])
        #expect(inner?.path == ["1", "0", "0"])
        #expect(inner?.reason == .residualShapes(body: [2, 4], shortcut: nil))
        #expect(inner?.description == "the body of residual '1.0.0' changes the shape from 2x64 to 2x4 without a shortcut")
        let deeper = failure(.repeat(count: 2, body: [NamedLayer("b", .sequence([NamedLayer("fc", .linear(in: 32, out: 4))]))]),
                             [2, 64])
        #expect(deeper?.path == ["1", "0", "b", "fc"])
        #expect(deeper?.description == "layer '1.0.b.fc' expects input 32 features, but gets 2x64 (128 features)")
        #expect(failure(.repeat(count: 0, body: [NamedLayer("0", .relu)]), [4])?.reason == .invalidArgument(.nonPositiveCount))
        #expect(failure(.attention(dim: 6, heads: 4), [3, 6])?.reason == .invalidArgument(.headsDoNotDivide(heads: 4, width: 6)))
        #expect(failure(.posembed(length: 4, dim: 2), [5, 2]) != nil)
        #expect(failure(.residual(body: [NamedLayer("0", .linear(in: 3, out: 2))],
                                  shortcut: [NamedLayer("0", .linear(in: 3, out: 2))]), [3]) == nil)
        // Linear: the last dimension when it fits, else the flattened sample.
        #expect(Sequential.outputShapes(of: [.linear(in: 4, out: 5)], inputShape: [3, 4]) == .success([[3, 5]]))
        #expect(Sequential.outputShapes(of: [.linear(in: 12, out: 5)], inputShape: [3, 4]) == .success([[5]]))
        #expect(Sequential.outputShapes(of: [.globalAvgPool, .linear(in: 3, out: 2)], inputShape: [3, 4, 4])
                == .success([[3, 1, 1], [2]]))
    }

    @Test func idsOutsideTheEmbeddingAreErrorsNamingTheSample() throws {
        let model = Self.gpt(blocks: 1, context: 4)
        let x = Tensor(shape: [3, 4], values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 256, 12])
        #expect(throws: TokenIdError(sample: 2, position: 2, value: 256, count: 256)) { try model.checkIds(x) }
        x.data[10] = -1
        #expect(throws: TokenIdError(sample: 2, position: 2, value: -1, count: 256)) { try model.checkIds(x) }
        x.data[10] = 2.5
        #expect(throws: TokenIdError(sample: 2, position: 2, value: 2.5, count: 256)) { try model.checkIds(x) }
        x.data[10] = 255
        try model.checkIds(x)
        #expect(model.forward(x).shape == [3, 4, 256])
        #expect(TokenIdError(sample: 2, position: 2, value: 256, count: 256).description
                == "token id 256 is out of range for an embedding of 256 rows (sample 2, position 2)")
        // A model that does not start with an embedding takes any values.
        try Sequential(layers: [("0", .relu)], inputShape: [2], generator: RandomGenerator(seed: 0))
            .checkIds(Tensor(shape: [1, 2], values: [-3, 0.5]))
    }

    @Test func perPositionTargetsOutOfRangeNameSampleAndPosition() {
        let logits = Tensor(zeros: [2, 3, 4])
        #expect(throws: LabelError(sample: 1, label: 4, classes: 4, position: 0)) {
            try Losses.crossEntropy(logits: logits, labels: [0, 1, 2, 4, 0, 0], gradient: nil)
        }
        #expect(Losses.correctCount(logits: logits, labels: [0, 0, 1, 0, 0, 0]) == 5)
    }

    @Test func attentionSplitAcrossThreadsMatchesSerial() throws {
        func run() throws -> [[Float]] {
            let model = Self.gpt(blocks: 2, width: 32, context: 32, dropout: 0.1)
            let x = Tensor(zeros: [16, 32])
            let g = RandomGenerator(seed: 40)
            for i in 0..<x.count { x.data[i] = Float(g.nextUInt32() % 256) }
            let y = model.forward(x)
            let dy = model.outputGradient(batch: 16)
            let labels = (0..<(16 * 32)).map { $0 % 256 }
            let loss = try Losses.crossEntropy(logits: y, labels: labels, gradient: dy)
            model.zeroGrad()
            model.backward(dy)
            return [y.values, [loss]] + model.parameters.map { $0.parameter.grad.values }
        }
        #expect(ParallelFor.splits(count: 16 * 4, workPerItem: 2 * 32 * 32 * 8))
        let split = try run()
        let serial = try ParallelFor.$serial.withValue(true) { try run() }
        for (index, (a, b)) in zip(split, serial).enumerated() {
            #expect(relativeError(a, b, floor: 1e-3) < 1e-5, "result \(index)")
        }
    }

    @Test func backwardTwiceAccumulatesAndFrozenEmbeddingsGetNone() throws {
        let model = Self.gpt(blocks: 1, context: 4)
        let x = Tensor(shape: [2, 4], values: [1, 2, 3, 4, 4, 3, 2, 1])
        let y = model.forward(x)
        let dy = model.outputGradient(batch: 2)
        _ = try Losses.crossEntropy(logits: y, labels: [1, 2, 3, 4, 5, 6, 7, 8], gradient: dy)
        let embed = model.parameters[0].parameter
        embed.requiresGrad = false
        model.zeroGrad()
        model.backward(dy)
        let once = model.parameters.map { $0.parameter.grad.values }
        model.backward(dy)
        // Row sums accumulate into the gradient directly, so twice is 2x up to rounding.
        for (a, (name, p)) in zip(once, model.parameters) {
            #expect(relativeError(p.grad.values, a.map { 2 * $0 }) < 1e-6, "\(name)")
        }
        #expect(embed.grad.values.allSatisfy { $0 == 0 })
        #expect(model.parameters[1].parameter.grad.values.contains { $0 != 0 })
    }
}

extension NestedModelTests {
    @Test func singleSampleBatchnormInsideABlockIsReportedWithItsDottedName() {
        let model = Sequential(layers: [("stage", .repeat(count: 2, body: [NamedLayer("fc", .linear(in: 3, out: 3)),
                                                                          NamedLayer("bn", .batchnorm(channels: 3))]))],
                               inputShape: [3], generator: RandomGenerator(seed: 0))
        #expect(model.trainingBatchProblem(batch: 2) == nil)
        #expect(model.trainingBatchProblem(batch: 1) == Sequential.BatchProblem(layer: "stage.0.bn", inputShape: [1, 3]))
    }
}
