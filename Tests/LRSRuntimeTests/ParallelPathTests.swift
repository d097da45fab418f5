import Testing
import LRSLayers
@testable import LRSRuntime

/// Batches large enough to be split across the two threads (and thin products split between
/// them) give what the same samples give one at a time, on the serial path.
// Serialized: one test turns splitting off for a while, which another would see.
@Suite(.serialized) struct ParallelPathTests {
    @Test func splitBatchesMatchSampleBySample() throws {
        let specs: [(name: String, spec: LayerSpec)] = [
            ("0", .conv(in: 3, out: 16, kernel: 3, padding: 1)), ("1", .relu), ("2", .maxpool(kernel: 2, stride: 2)),
            ("3", .linear(in: 16 * 10 * 10, out: 10)),
        ]
        let batch = 8
        let model = Sequential(layers: specs, inputShape: [3, 20, 20], generator: RandomGenerator(seed: 21))
        let x = Tensor(zeros: [batch, 3, 20, 20])
        RandomGenerator(seed: 22).fillUniform(x, from: -1, to: 1)
        #expect(ParallelFor.splits(count: batch, workPerItem: 16 * 400 * 27))

        let y = model.forward(x).values
        let g = model.outputGradient(batch: batch)
        let labels = (0..<batch).map { $0 % 10 }
        _ = try Losses.crossEntropy(logits: model.forward(x), labels: labels, gradient: g)
        model.zeroGrad()
        model.backward(g)
        let batchGrads = model.parameters.map { $0.parameter.grad.values }

        // One sample at a time: the mean loss over the batch is the mean of per-sample losses,
        // so per-sample gradients scaled by 1/B add up to the batch gradient.
        model.zeroGrad()
        var single: [Float] = []
        for s in 0..<batch {
            let xs = Tensor(zeros: [1, 3, 20, 20])
            xs.data.update(from: x.data + s * 1200, count: 1200)
            let ys = model.forward(xs)
            single += ys.values
            let gs = model.outputGradient(batch: 1)
            _ = try Losses.crossEntropy(logits: ys, labels: [labels[s]], gradient: gs)
            for i in 0..<gs.count { gs.data[i] /= Float(batch) }
            model.backward(gs)
        }
        #expect(relativeError(y, single) < 1e-6)
        for (expected, (name, p)) in zip(batchGrads, model.parameters) {
            #expect(relativeError(p.grad.values, expected) < 1e-5, "\(name)")
        }
    }

    @Test func splitProductsMatchSerialOnes() throws {
        let model = Sequential(layers: [("0", .linear(in: 64, out: 4096)), ("1", .tanh), ("2", .linear(in: 4096, out: 16))],
                               inputShape: [64], generator: RandomGenerator(seed: 23))
        let batch = 64
        #expect(batch * 16 * 4096 >= BLAS.ownSplitWork)
        let x = Tensor(zeros: [batch, 64])
        RandomGenerator(seed: 24).fillUniform(x, from: -1, to: 1)
        let y = model.forward(x).values
        let dy = Tensor(zeros: [batch, 16])
        RandomGenerator(seed: 25).fillUniform(dy, from: -1, to: 1)
        model.zeroGrad()
        let dx = try #require(model.backward(dy, computeInputGradient: true)).values
        let grads = model.parameters.map { $0.parameter.grad.values }

        model.zeroGrad()
        for s in 0..<batch {
            let xs = Tensor(zeros: [1, 64])
            xs.data.update(from: x.data + s * 64, count: 64)
            let ys = model.forward(xs).values
            #expect(relativeError(ys, Array(y[(s * 16)..<(s * 16 + 16)])) < 1e-5)
            let dys = Tensor(zeros: [1, 16])
            dys.data.update(from: dy.data + s * 16, count: 16)
            let dxs = try #require(model.backward(dys, computeInputGradient: true)).values
            #expect(relativeError(dxs, Array(dx[(s * 64)..<(s * 64 + 64)])) < 1e-5)
        }
        for (expected, (name, p)) in zip(grads, model.parameters) {
            #expect(relativeError(p.grad.values, expected) < 1e-5, "\(name)")
        }
    }

    @Test func everyLayerGivesTheSameResultsSplitOrNot() throws {
        func run() throws -> [[Float]] {
            let model = Sequential(layers: [("0", .conv(in: 3, out: 8, kernel: 3, padding: 1)), ("1", .batchnorm(channels: 8)),
                                            ("2", .relu), ("3", .avgpool(kernel: 2, stride: 2)), ("4", .gelu),
                                            ("5", .maxpool(kernel: 2, stride: 2)), ("6", .layernorm(features: 4)),
                                            ("7", .dropout(p: 0.2)), ("8", .linear(in: 128, out: 5))],
                                   inputShape: [3, 16, 16], generator: RandomGenerator(seed: 31))
            let x = Tensor(zeros: [16, 3, 16, 16])
            RandomGenerator(seed: 32).fillUniform(x, from: -1, to: 1)
            let y = model.forward(x)
            let g = model.outputGradient(batch: 16)
            let loss = try Losses.crossEntropy(logits: y, labels: (0..<16).map { $0 % 5 }, gradient: g)
            let dx = try #require(model.backward(g, computeInputGradient: true))
            var buffers: [Float] = []
            for case .tensor(let t) in model.buffers.map(\.entry) { buffers += t.values }
            return [y.values, [loss], dx.values, buffers] + model.parameters.map { $0.parameter.grad.values }
        }
        let split = try run()
        let serial = try ParallelFor.$serial.withValue(true) { try run() }
        #expect(split.count == serial.count)
        // The conv bias before batchnorm has an exactly-zero gradient: both paths give rounding
        // noise (about 1e-8, its digits set by the order of the sums), compared on an absolute
        // floor of 1e-2; every other result on a floor of 1e-3.
        let convBiasGrad = 5
        for (index, (a, b)) in zip(split, serial).enumerated() {
            #expect(relativeError(a, b, floor: index == convBiasGrad ? 1e-2 : 1e-3) < 1e-5, "result \(index)")
        }
    }
}
