import Testing
import LRSLayers
@testable import LRSRuntime

/// The model's contract with the training loop: names, order, modes, frozen parameters,
/// dropout, varying batch sizes and shape checks.
@Suite struct SequentialTests {
    static func seedOne() -> Sequential {
        Sequential(layers: [("0", .conv(in: 3, out: 16, kernel: 3)), ("1", .relu), ("2", .linear(in: 10816, out: 10))],
                   inputShape: [3, 28, 28], generator: RandomGenerator(seed: 1))
    }

    @Test func namesFollowTheStateDict() {
        let model = Sequential(layers: [("layer1", .linear(in: 4, out: 3)), ("1", .relu), ("bn", .batchnorm(channels: 3)),
                                        ("3", .linear(in: 3, out: 2, bias: false))],
                               inputShape: [4], generator: RandomGenerator(seed: 0))
        #expect(model.stateDict.map(\.name) == ["layer1.weight", "layer1.bias", "bn.weight", "bn.bias", "bn.running_mean",
                                                "bn.running_var", "bn.num_batches_tracked", "3.weight"])
        #expect(model.parameters.map(\.name) == ["layer1.weight", "layer1.bias", "bn.weight", "bn.bias", "3.weight"])
        #expect(model.buffers.map(\.name) == ["bn.running_mean", "bn.running_var", "bn.num_batches_tracked"])
        #expect(model.outputShape == [2])
        #expect(Self.seedOne().layerOutputShapes == [[16, 26, 26], [16, 26, 26], [10]])
    }

    @Test func shapeDisagreementsAreReported() {
        let bad = Sequential.outputShapes(of: [.conv(in: 3, out: 4, kernel: 3), .linear(in: 100, out: 2)], inputShape: [3, 8, 8])
        guard case .failure(let error) = bad else {
            Issue.record("expected a shape error")
            return
        }
        #expect(error.path == ["1"])
        #expect(error.input == [4, 6, 6])
        #expect(error.reason == .mismatch(expected: .features(100)))
        #expect(error.description == "layer '1' expects input 100 features, but gets 4x6x6 (144 features)")
        #expect(Sequential.outputShapes(of: [.conv(in: 3, out: 4, kernel: 3, stride: 2, padding: 1)],
                                        inputShape: [3, 8, 7]) == .success([[4, 4, 4]]))
    }

    @Test func frozenParametersGetNoGradientAndEarlierLayersAreSkipped() throws {
        let model = Sequential(layers: [("0", .linear(in: 3, out: 4)), ("1", .tanh), ("2", .linear(in: 4, out: 2))],
                               inputShape: [3], generator: RandomGenerator(seed: 3))
        let x = Tensor(shape: [2, 3], values: [1, 2, 3, -1, 0, 1])
        let p = model.parameters
        p[0].parameter.requiresGrad = false
        p[1].parameter.requiresGrad = false
        let y = model.forward(x)
        let g = model.outputGradient(batch: 2)
        _ = try Losses.crossEntropy(logits: y, labels: [0, 1], gradient: g)
        model.backward(g)
        #expect(p[0].parameter.grad.values.allSatisfy { $0 == 0 })
        #expect(p[1].parameter.grad.values.allSatisfy { $0 == 0 })
        #expect(p[2].parameter.grad.values.contains { $0 != 0 })
        // Accumulates like PyTorch until zeroGrad.
        let once = p[2].parameter.grad.values
        model.backward(g)
        #expect(zip(p[2].parameter.grad.values, once).allSatisfy { $0 == 2 * $1 })
        model.zeroGrad()
        #expect(p[2].parameter.grad.values.allSatisfy { $0 == 0 })
    }

    @Test func smallerAndLargerBatchesReuseOrGrowBuffers() {
        let model = Sequential(layers: [("0", .conv(in: 1, out: 2, kernel: 2)), ("1", .flatten), ("2", .linear(in: 8, out: 2))],
                               inputShape: [1, 3, 3], generator: RandomGenerator(seed: 4), maxBatchSize: 4)
        let big = Tensor(zeros: [4, 1, 3, 3])
        RandomGenerator(seed: 8).fillUniform(big, from: -1, to: 1)
        let full = model.forward(big).values
        for batch in [1, 3, 6] {
            let x = Tensor(zeros: [batch, 1, 3, 3])
            for i in 0..<x.count { x.data[i] = big.data[i % big.count] }
            let y = model.forward(x)
            #expect(y.shape == [batch, 2])
            for i in 0..<y.count { #expect(y.data[i] == full[i % full.count]) }
        }
    }

    @Test func dropoutKeepsAndScalesInTrainingOnly() throws {
        let model = Sequential(layers: [("0", .dropout(p: 0.25))], inputShape: [1000], generator: RandomGenerator(seed: 6))
        let x = Tensor(zeros: [4, 1000])
        x.fill(2)
        let y = model.forward(x).values
        let kept = y.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == Float(2 / 0.75) })
        #expect(abs(Double(kept.count) / 4000 - 0.75) < 0.03)
        let dy = Tensor(zeros: [4, 1000])
        dy.fill(1)
        let dx = try #require(model.backward(dy, computeInputGradient: true))
        #expect(zip(dx.values, y).allSatisfy { $0 == $1 / 2 })
        // The same seed gives the same mask; evaluation passes the input through.
        let again = Sequential(layers: [("0", .dropout(p: 0.25))], inputShape: [1000], generator: RandomGenerator(seed: 6))
        #expect(again.forward(x).values == y)
        again.eval()
        #expect(again.forward(x).values == x.values)
    }

    @Test func batchnormTracksBatchesOnlyInTraining() {
        let model = Sequential(layers: [("0", .batchnorm(channels: 2))], inputShape: [2], generator: RandomGenerator(seed: 0))
        let x = Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 9])
        _ = model.forward(x)
        _ = model.forward(x)
        model.eval()
        _ = model.forward(x)
        guard case .counter(let counter) = model.buffers[2].entry, case .tensor(let mean) = model.buffers[0].entry,
              case .tensor(let variance) = model.buffers[1].entry else {
            Issue.record("unexpected buffers")
            return
        }
        #expect(counter.value == 2)
        // running_mean = 0.9 * (0.9 * 0 + 0.1 * 3) + 0.1 * 3 for channel 0, batch mean 3.
        #expect(abs(mean.data[0] - 0.57) < 1e-6)
        // Unbiased variance of [2, 4, 9] is 13; running_var = 0.81 + 0.19 * 13.
        #expect(abs(variance.data[1] - (0.81 + 0.19 * 13)) < 1e-5)
    }

    @Test func singleSampleBatchnormBatchesAreReportedNotRun() {
        let model = Sequential(layers: [("0", .linear(in: 3, out: 2)), ("bn", .batchnorm(channels: 2))],
                               inputShape: [3], generator: RandomGenerator(seed: 0))
        #expect(model.trainingBatchProblem(batch: 2) == nil)
        let problem = model.trainingBatchProblem(batch: 1)
        #expect(problem == Sequential.BatchProblem(layer: "bn", inputShape: [1, 2]))
        let spatial = Sequential(layers: [("0", .batchnorm(channels: 2))], inputShape: [2, 2, 2], generator: RandomGenerator(seed: 0))
        #expect(spatial.trainingBatchProblem(batch: 1) == nil)
    }

    @Test func seedOneForwardAndBackwardShapes() throws {
        let model = Self.seedOne()
        let x = Tensor(zeros: [2, 3, 28, 28])
        RandomGenerator(seed: 2).fillUniform(x, from: 0, to: 1)
        let y = model.forward(x)
        #expect(y.shape == [2, 10])
        let g = model.outputGradient(batch: 2)
        let loss = try Losses.crossEntropy(logits: y, labels: [3, 7], gradient: g)
        #expect(loss > 1.5 && loss < 3.5)
        model.backward(g)
        #expect(model.parameters.allSatisfy { $0.parameter.grad.values.contains { $0 != 0 } })
    }
}
