import Testing
import LRSLayers
@testable import LRSRuntime

/// Every layer's and loss's analytic gradient (the runtime, float32) against central finite
/// differences of an independent double-precision forward (DoubleReference).
@Suite struct FiniteDifferenceTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let specs: [LayerSpec]
        let inputShape: [Int]
        let batch: Int
        var training = true
        /// For models that start with an embedding: ids drawn below this count, and no input gradient.
        var vocabulary: Int? = nil
        var description: String { name }
    }

    static let transformerBlock: [NamedLayer] = [
        NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: 4)),
                                         NamedLayer("attn", .attention(dim: 4, heads: 2, causal: true))])),
        NamedLayer("1", .residual(body: [NamedLayer("ln2", .rmsnorm(features: 4)), NamedLayer("fc", .linear(in: 4, out: 6)),
                                         NamedLayer("act", .silu), NamedLayer("proj", .linear(in: 6, out: 4))])),
    ]

    static let cases: [Case] = [
        Case(name: "linear", specs: [.linear(in: 4, out: 3)], inputShape: [4], batch: 3),
        Case(name: "linear no bias, flattening", specs: [.linear(in: 6, out: 2, bias: false)], inputShape: [2, 3], batch: 2),
        Case(name: "conv", specs: [.conv(in: 2, out: 2, kernel: 3)], inputShape: [2, 5, 4], batch: 2),
        Case(name: "conv same 3x3 (direct kernels)", specs: [.conv(in: 3, out: 10, kernel: 3, padding: 1)],
             inputShape: [3, 4, 5], batch: 2),
        Case(name: "conv same 3x3 no bias, relu fused, batch 1", specs: [.conv(in: 2, out: 3, kernel: 3, padding: 1, bias: false), .relu],
             inputShape: [2, 5, 3], batch: 1),
        Case(name: "conv same 5x5 (direct forward, columns backward)", specs: [.conv(in: 2, out: 3, kernel: 5, padding: 2)],
             inputShape: [2, 4, 6], batch: 2),
        Case(name: "conv 3x3 stride 2 padding 1 on an odd map, batch 1 (phase kernels)",
             specs: [.conv(in: 3, out: 4, kernel: 3, stride: 2, padding: 1)], inputShape: [3, 5, 7], batch: 1),
        Case(name: "conv stride 2 padding 1", specs: [.conv(in: 2, out: 3, kernel: 3, stride: 2, padding: 1)],
             inputShape: [2, 5, 6], batch: 2),
        Case(name: "conv no bias stride 3 padding 2", specs: [.conv(in: 1, out: 2, kernel: 2, stride: 3, padding: 2, bias: false)],
             inputShape: [1, 5, 5], batch: 2),
        Case(name: "maxpool", specs: [.maxpool(kernel: 2, stride: 2)], inputShape: [2, 4, 5], batch: 2),
        Case(name: "maxpool overlapping", specs: [.maxpool(kernel: 3, stride: 1)], inputShape: [1, 4, 4], batch: 2),
        Case(name: "avgpool", specs: [.avgpool(kernel: 2, stride: 2)], inputShape: [2, 4, 5], batch: 2),
        Case(name: "avgpool overlapping", specs: [.avgpool(kernel: 3, stride: 2)], inputShape: [1, 5, 5], batch: 2),
        Case(name: "relu", specs: [.relu], inputShape: [7], batch: 2),
        Case(name: "tanh", specs: [.tanh], inputShape: [7], batch: 2),
        Case(name: "sigmoid", specs: [.sigmoid], inputShape: [7], batch: 2),
        Case(name: "gelu", specs: [.gelu], inputShape: [7], batch: 2),
        Case(name: "flatten", specs: [.flatten, .linear(in: 6, out: 2)], inputShape: [2, 3], batch: 2),
        Case(name: "dropout eval", specs: [.dropout(p: 0.5), .linear(in: 3, out: 2)], inputShape: [3], batch: 2, training: false),
        Case(name: "batchnorm1d train", specs: [.batchnorm(channels: 3)], inputShape: [3], batch: 4),
        Case(name: "batchnorm2d train", specs: [.batchnorm(channels: 2)], inputShape: [2, 3, 2], batch: 2),
        Case(name: "batchnorm eval", specs: [.batchnorm(channels: 2)], inputShape: [2, 3], batch: 2, training: false),
        Case(name: "layernorm", specs: [.layernorm(features: 5)], inputShape: [2, 5], batch: 2),
        Case(name: "layernorm over a sequence, odd width", specs: [.layernorm(features: 7)], inputShape: [5, 7], batch: 2),
        Case(name: "conv relu linear relu (fused pairs)",
             specs: [.conv(in: 1, out: 2, kernel: 2, padding: 1), .relu, .linear(in: 32, out: 3), .relu, .linear(in: 3, out: 2)],
             inputShape: [1, 3, 3], batch: 2),
        Case(name: "small cnn", specs: [.conv(in: 1, out: 2, kernel: 3, padding: 1), .batchnorm(channels: 2), .tanh,
                                        .maxpool(kernel: 2, stride: 2), .linear(in: 8, out: 3), .layernorm(features: 3)],
             inputShape: [1, 4, 4], batch: 3),
        Case(name: "linear on the last dimension", specs: [.linear(in: 3, out: 2)], inputShape: [4, 3], batch: 2),
        Case(name: "embedding", specs: [.embedding(count: 5, dim: 3), .linear(in: 3, out: 2)], inputShape: [4], batch: 2,
             vocabulary: 5),
        Case(name: "posembed", specs: [.posembed(length: 5, dim: 3)], inputShape: [3, 3], batch: 2),
        Case(name: "attention", specs: [.attention(dim: 4, heads: 2)], inputShape: [3, 4], batch: 2),
        Case(name: "attention causal", specs: [.attention(dim: 6, heads: 3, causal: true)], inputShape: [4, 6], batch: 2),
        Case(name: "attention causal, odd length", specs: [.attention(dim: 4, heads: 2, causal: true)], inputShape: [7, 4],
             batch: 2),
        Case(name: "attention no bias one head", specs: [.attention(dim: 4, heads: 1, bias: false)], inputShape: [3, 4],
             batch: 2),
        Case(name: "attention with dropout, evaluation", specs: [.attention(dim: 4, heads: 2, causal: true, dropout: 0.5)],
             inputShape: [3, 4], batch: 2, training: false),
        Case(name: "rmsnorm", specs: [.rmsnorm(features: 5)], inputShape: [2, 5], batch: 2),
        Case(name: "rmsnorm eps", specs: [.rmsnorm(features: 4, eps: 0.1)], inputShape: [4], batch: 3),
        Case(name: "silu", specs: [.silu], inputShape: [7], batch: 2),
        Case(name: "avgpool global", specs: [.globalAvgPool, .linear(in: 2, out: 3)], inputShape: [2, 3, 2], batch: 2),
        Case(name: "residual", specs: [.residual(body: [NamedLayer("fc", .linear(in: 3, out: 3)), NamedLayer("1", .tanh)])],
             inputShape: [3], batch: 2),
        Case(name: "residual with shortcut",
             specs: [.residual(body: [NamedLayer("0", .conv(in: 1, out: 2, kernel: 3, stride: 2, padding: 1)),
                                      NamedLayer("1", .batchnorm(channels: 2)), NamedLayer("2", .relu)],
                               shortcut: [NamedLayer("0", .conv(in: 1, out: 2, kernel: 1, stride: 2, bias: false)),
                                          NamedLayer("1", .batchnorm(channels: 2))]),
                     .globalAvgPool, .linear(in: 2, out: 2)],
             inputShape: [1, 4, 4], batch: 2),
        Case(name: "nested sequence", specs: [.sequence([NamedLayer("a", .linear(in: 3, out: 4)), NamedLayer("b", .relu)]),
                                              .linear(in: 4, out: 2)], inputShape: [3], batch: 2),
        Case(name: "tiny transformer (repeat of pre-norm blocks)",
             specs: [.embedding(count: 7, dim: 4), .posembed(length: 4, dim: 4), .repeat(count: 2, body: transformerBlock),
                     .layernorm(features: 4), .linear(in: 4, out: 7)],
             inputShape: [3], batch: 2, vocabulary: 7),
    ]

    @Test(arguments: cases)
    func gradientsMatchFiniteDifferences(_ c: Case) throws {
        let generator = RandomGenerator(seed: 5)
        let model = Sequential(layers: c.specs.enumerated().map { ("\($0.offset)", $0.element) },
                               inputShape: c.inputShape, generator: generator)
        model.isTraining = c.training
        // Norm layers start at ones/zeros; perturb them so their gradients are generic.
        for (name, p) in model.parameters where name.hasSuffix("weight") || name.hasSuffix("bias") {
            for i in 0..<p.value.count { p.value.data[i] += generator.uniformFloat(from: -0.3, to: 0.3) }
        }
        for case .tensor(let t) in model.buffers.map(\.entry) {
            for i in 0..<t.count { t.data[i] = generator.uniformFloat(from: 0.5, to: 1.5) }
        }
        var params: [String: [Double]] = [:]
        for (name, entry) in model.stateDict {
            switch entry {
            case .parameter(let p): params[name] = p.value.values.map(Double.init)
            case .tensor(let t): params[name] = t.values.map(Double.init)
            case .counter: break
            }
        }
        let x = Tensor(zeros: [c.batch] + c.inputShape)
        generator.fillUniform(x, from: -2, to: 2)
        if let vocabulary = c.vocabulary {
            for i in 0..<x.count { x.data[i] = Float(generator.nextUInt32() % UInt32(vocabulary)) }
        }
        let xd = x.values.map(Double.init)

        let y = model.forward(x)
        let upstream = Tensor(zeros: y.shape)
        generator.fillUniform(upstream, from: -1, to: 1)
        let r = upstream.values.map(Double.init)
        let reference = DoubleReference.forward(c.specs, inputShape: c.inputShape, batch: c.batch, x: xd,
                                                params: params, training: c.training)
        #expect(relativeError(y.values, reference.map { Float($0) }) < 1e-5, "forward")

        // L = sum(f(x) * r); its gradient is what backward(r) computes.
        func loss(_ x: [Double], _ params: [String: [Double]]) -> Double {
            let out = DoubleReference.forward(c.specs, inputShape: c.inputShape, batch: c.batch, x: x,
                                              params: params, training: c.training)
            return zip(out, r).reduce(0) { $0 + $1.0 * $1.1 }
        }
        model.zeroGrad()
        let h = 1e-6
        if c.vocabulary == nil {
            let dx = try #require(model.backward(upstream, computeInputGradient: true))
            var numeric = [Float](repeating: 0, count: xd.count)
            for i in 0..<xd.count {
                var plus = xd, minus = xd
                plus[i] += h
                minus[i] -= h
                numeric[i] = Float((loss(plus, params) - loss(minus, params)) / (2 * h))
            }
            #expect(relativeError(dx.values, numeric, floor: 1e-3) < 1e-3, "input gradient")
        } else {
            // Ids have no gradient.
            #expect(model.backward(upstream, computeInputGradient: true) == nil)
        }
        for (name, p) in model.parameters {
            let values = try #require(params[name])
            var numericP = [Float](repeating: 0, count: values.count)
            for i in 0..<values.count {
                var plus = params, minus = params
                plus[name]?[i] += h
                minus[name]?[i] -= h
                numericP[i] = Float((loss(xd, plus) - loss(xd, minus)) / (2 * h))
            }
            #expect(relativeError(p.grad.values, numericP, floor: 1e-3) < 1e-3, "gradient of \(name)")
        }
    }

    @Test func crossEntropyGradientMatchesFiniteDifferences() throws {
        let generator = RandomGenerator(seed: 11)
        let logits = Tensor(zeros: [4, 5])
        generator.fillUniform(logits, from: -4, to: 4)
        let labels = [0, 4, 2, 2]
        let gradient = Tensor(zeros: [4, 5])
        let loss = try Losses.crossEntropy(logits: logits, labels: labels, gradient: gradient)
        let z = logits.values.map(Double.init)
        #expect(abs(Double(loss) - DoubleReference.crossEntropy(z, classes: 5, labels: labels)) < 1e-6)
        let h = 1e-6
        let numeric = (0..<z.count).map { i -> Float in
            var plus = z, minus = z
            plus[i] += h
            minus[i] -= h
            return Float((DoubleReference.crossEntropy(plus, classes: 5, labels: labels)
                - DoubleReference.crossEntropy(minus, classes: 5, labels: labels)) / (2 * h))
        }
        #expect(relativeError(gradient.values, numeric) < 1e-4)
    }

    @Test func crossEntropyOverPositionsMatchesFiniteDifferences() throws {
        let generator = RandomGenerator(seed: 13)
        let logits = Tensor(zeros: [2, 3, 4])
        generator.fillUniform(logits, from: -3, to: 3)
        let labels = [0, 3, 1, 2, 2, 0]
        let gradient = Tensor(zeros: [2, 3, 4])
        let loss = try Losses.crossEntropy(logits: logits, labels: labels, gradient: gradient)
        let z = logits.values.map(Double.init)
        #expect(abs(Double(loss) - DoubleReference.crossEntropy(z, classes: 4, labels: labels)) < 1e-6)
        let h = 1e-6
        let numeric = (0..<z.count).map { i -> Float in
            var plus = z, minus = z
            plus[i] += h
            minus[i] -= h
            return Float((DoubleReference.crossEntropy(plus, classes: 4, labels: labels)
                - DoubleReference.crossEntropy(minus, classes: 4, labels: labels)) / (2 * h))
        }
        #expect(relativeError(gradient.values, numeric) < 1e-4)
    }

    @Test func mseGradientMatchesFiniteDifferences() {
        let generator = RandomGenerator(seed: 12)
        let output = Tensor(zeros: [3, 2]), target = Tensor(zeros: [3, 2])
        generator.fillUniform(output, from: -1, to: 1)
        generator.fillUniform(target, from: -1, to: 1)
        let gradient = Tensor(zeros: [3, 2])
        let loss = Losses.mse(output: output, target: target, gradient: gradient)
        let o = output.values.map(Double.init), t = target.values.map(Double.init)
        #expect(abs(Double(loss) - DoubleReference.mse(o, t)) < 1e-6)
        let h = 1e-6
        let numeric = (0..<o.count).map { i -> Float in
            var plus = o, minus = o
            plus[i] += h
            minus[i] -= h
            return Float((DoubleReference.mse(plus, t) - DoubleReference.mse(minus, t)) / (2 * h))
        }
        #expect(relativeError(gradient.values, numeric) < 1e-4)
    }
}
