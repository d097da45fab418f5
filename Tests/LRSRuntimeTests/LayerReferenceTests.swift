import Testing
@testable import LRSRuntime

/// Forward outputs and gradients of every layer, loss and a few whole models against the
/// values PyTorch 2.13 computed for the same inputs and weights (Fixtures/runtime/layers.json).
@Suite struct LayerReferenceTests {
    static let caseNames = Fixtures.layers?.cases.map(\.name) ?? []

    @Test func fixturesLoad() {
        #expect(Fixtures.layers != nil)
        #expect(Self.caseNames.count > 30)
    }

    @Test(arguments: caseNames)
    func matchesPyTorch(_ name: String) throws {
        let c = try #require(Fixtures.layers?.cases.first { $0.name == name })
        let model = Sequential.fixture(c.layers, inputShape: Array(c.x_shape.dropFirst()), seed: c.seed, state: c.state)
        model.isTraining = c.training
        let x = Tensor(shape: c.x_shape, values: c.x)
        let y = model.forward(x)
        #expect(y.shape == c.out_shape)
        #expect(relativeError(y.values, c.out) < 2e-6, "\(name): forward")

        let dy = Tensor(shape: c.out_shape, values: c.upstream)
        model.zeroGrad()
        if c.grad_x.isEmpty {
            // Token ids in: no input gradient.
            #expect(model.backward(dy, computeInputGradient: true) == nil)
        } else {
            let dx = try #require(model.backward(dy, computeInputGradient: true))
            #expect(dx.shape == c.x_shape)
            #expect(relativeError(dx.values, c.grad_x) < 1e-5, "\(name): input gradient")
        }
        // A gradient that is zero in exact arithmetic (a conv bias before batchnorm) is rounding
        // noise in both; measure every parameter's error against the model's gradient scale.
        let gradScale = c.grads.values.flatMap { $0 }.reduce(1e-6) { max($0, abs(Double($1))) }
        for (pname, p) in model.parameters {
            let expected = try #require(c.grads[pname], "\(name): no gradient for \(pname)")
            #expect(relativeError(p.grad.values, expected, floor: gradScale * 1e-2) < 1e-5, "\(name): gradient of \(pname)")
        }
        for (bname, entry) in model.buffers {
            switch (entry, c.state_after[bname]) {
            case (.tensor(let t), .floats(let v)?):
                #expect(relativeError(t.values, v) < 1e-6, "\(name): \(bname)")
            case (.counter(let counter), .integer(let i)?):
                #expect(counter.value == i, "\(name): \(bname)")
            default:
                Issue.record("\(name): buffer \(bname) missing from the fixture")
            }
        }
    }

    @Test func lossesMatchPyTorch() throws {
        let losses = try #require(Fixtures.layers?.losses)
        #expect(losses.count >= 6)
        for c in losses {
            let gradient = Tensor(zeros: c.shape)
            let loss: Float
            if c.kind == "cross_entropy" {
                let logits = Tensor(shape: c.shape, values: try #require(c.logits))
                loss = try Losses.crossEntropy(logits: logits, labels: try #require(c.labels), gradient: gradient)
            } else {
                let output = Tensor(shape: c.shape, values: try #require(c.output))
                let target = Tensor(shape: c.shape, values: try #require(c.target))
                loss = Losses.mse(output: output, target: target, gradient: gradient)
            }
            #expect(abs(Double(loss) - Double(c.loss)) <= 2e-6 * max(1, abs(Double(c.loss))), "\(c.kind) \(c.shape) loss")
            #expect(relativeError(gradient.values, c.grad) < 1e-5, "\(c.kind) \(c.shape) gradient")
        }
    }

    @Test func crossEntropyRejectsOutOfRangeLabels() {
        let logits = Tensor(zeros: [2, 3])
        #expect(throws: LabelError(sample: 1, label: 3, classes: 3)) {
            try Losses.crossEntropy(logits: logits, labels: [0, 3], gradient: nil)
        }
        #expect(throws: LabelError(sample: 0, label: -1, classes: 3)) {
            try Losses.crossEntropy(logits: logits, labels: [-1, 0], gradient: nil)
        }
    }

    @Test func accuracyCountsArgmaxHits() {
        let logits = Tensor(shape: [3, 3], values: [0.1, 0.9, 0.0, 2, 1, 0, 0.5, 0.5, 0.2])
        // Rows' argmax: 1, 0, 0 (first of a tie).
        #expect(Losses.correctCount(logits: logits, labels: [1, 0, 1]) == 2)
        #expect(Losses.correctCount(logits: logits, labels: [1, 0, 0]) == 3)
    }
}
