import Testing
import LRSLayers

/// The one table of shape rules (PyTorch's), and the wording of its failures that the
/// checker's diagnostics and the runtime's preconditions share.
struct ShapeRuleTests {
    func output(_ spec: LayerSpec, _ input: [Int]) -> [Int]? {
        if case .success(let shape) = spec.outputShape(for: input) { return shape }
        return nil
    }

    func failure(_ spec: LayerSpec, _ input: [Int]) -> ShapeFailure? {
        if case .failure(let failure) = spec.outputShape(for: input) { return failure.inside("2") }
        return nil
    }

    @Test func linearTakesTheLastDimensionWhenItFitsAndOtherwiseFlattens() {
        // Section 12: [T, 64] to [T, OUT]; section 4: the flattened sample otherwise.
        #expect(output(.linear(in: 64, out: 8), [5, 64]) == [5, 8])
        #expect(!LayerSpec.linear(in: 64, out: 8).flattensInput([5, 64]))
        #expect(output(.linear(in: 64, out: 8), [4, 4, 4]) == [8])
        #expect(LayerSpec.linear(in: 64, out: 8).flattensInput([4, 4, 4]))
        #expect(output(.linear(in: 64, out: 8), [64]) == [8])
        #expect(!LayerSpec.linear(in: 64, out: 8).flattensInput([64]))
        // Both rules would fit [1, 4]: the last dimension wins, as in PyTorch.
        #expect(output(.linear(in: 4, out: 2), [1, 4]) == [1, 2])
        #expect(!LayerSpec.conv(in: 1, out: 1, kernel: 1).flattensInput([1, 4, 4]))
        #expect(failure(.linear(in: 10, out: 2), [3, 4])?.description
                == "layer '2' expects input 10 features, but gets 3x4 (12 features)")
        #expect(failure(.linear(in: 10, out: 2), [4])?.description == "layer '2' expects input 10 features, but gets 4 features")
    }

    @Test func convAndPoolingFollowPyTorchsArithmetic() {
        #expect(output(.conv(in: 3, out: 16, kernel: 3), [3, 28, 28]) == [16, 26, 26])
        #expect(output(.conv(in: 3, out: 4, kernel: 3, stride: 2, padding: 1), [3, 8, 7]) == [4, 4, 4])
        #expect(output(.maxpool(kernel: 2, stride: 2), [16, 27, 26]) == [16, 13, 13])
        #expect(output(.globalAvgPool, [8, 5, 5]) == [8, 1, 1])
        #expect(failure(.conv(in: 4, out: 4, kernel: 3), [4, 2, 2])?.description == "input 4x2x2 is too small for layer '2'")
        #expect(failure(.conv(in: 3, out: 4, kernel: 3), [1, 8, 8])?.description
                == "layer '2' expects input 3xHxW, but gets 1x8x8")
        #expect(failure(.avgpool(kernel: 2, stride: 2), [8])?.reason == .mismatch(expected: .image))
        #expect(failure(.maxpool(kernel: 3, stride: 1), [1, 2, 9])?.reason == .tooSmall)
    }

    @Test func outputsPastTheLimitAreFailuresNotOverflows() {
        let huge = 1 << 21
        #expect(failure(.conv(in: 1, out: huge, kernel: 1), [1, huge, huge])?.description
                == "the output of layer '2' has too many elements")
        #expect(failure(.flatten, [1 << 40, 1 << 40])?.reason == .tooManyElements)
        #expect(failure(.linear(in: 4, out: 1 << 40), [1 << 30, 4])?.reason == .tooManyElements)
        #expect(failure(.linear(in: 4, out: 2), [Int.max, Int.max])?.reason == .mismatch(expected: .features(4)))
    }

    @Test func normsAndSequencesNameWhatTheyNeed() {
        #expect(output(.batchnorm(channels: 3), [3]) == [3])
        #expect(output(.batchnorm(channels: 3), [3, 5]) == [3, 5])
        #expect(output(.batchnorm(channels: 3), [3, 4, 4]) == [3, 4, 4])
        #expect(failure(.batchnorm(channels: 3), [4, 4, 4])?.description
                == "layer '2' expects input 3, 3xL or 3xHxW, but gets 4x4x4")
        #expect(failure(.layernorm(features: 8), [4, 6])?.description
                == "layer '2' expects input a last dimension of 8, but gets 4x6")
        #expect(output(.embedding(count: 256, dim: 16), [8]) == [8, 16])
        #expect(failure(.posembed(length: 4, dim: 2), [5, 2])?.reason == .mismatch(expected: .sequence(width: 2, maxLength: 4)))
        #expect(failure(.dropout(p: 1.5), [3])?.reason == .invalidArgument(.probability(1.5)))
    }

    @Test func failuresInsideContainersCarryTheirPath() {
        let block = LayerSpec.residual(body: [NamedLayer("fc", .linear(in: 4, out: 4))],
                                       shortcut: [NamedLayer("0", .linear(in: 3, out: 4))])
        let items = [NamedLayer("stem", .linear(in: 2, out: 4)), NamedLayer("blocks", .repeat(count: 2, body: [NamedLayer("0", block)]))]
        guard case .failure(let failure) = LayerSpec.outputShapes(of: items, input: [2]) else {
            Issue.record("the shortcut takes 3 features, not 4")
            return
        }
        #expect(failure.path == ["blocks", "0", "0", "shortcut", "0"])
        #expect(failure.description == "layer 'blocks.0.0.shortcut.0' expects input 3 features, but gets 4 features")
        #expect(LayerSpec.outputShapes(of: [NamedLayer("a", .linear(in: 2, out: 4)), NamedLayer("b", .relu)], input: [2])
                == .success([[4], [4]]))
    }
}
