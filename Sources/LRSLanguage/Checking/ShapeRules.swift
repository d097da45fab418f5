import LRSFiles
/// How each layer maps a per-sample input shape to its output shape, as PyTorch computes it.
enum ShapeRules {
    /// Why a layer cannot take its input.
    enum Failure: Error {
        case mismatch(expected: String, got: String)
        case tooSmall(input: String)
        case tooLarge

        func condition(layer: String) -> DiagnosticCondition {
            switch self {
            case .mismatch(let expected, let got): return .shapeMismatch(layer: layer, expected: expected, got: got)
            case .tooSmall(let input): return .layerTooSmall(layer: layer, input: input)
            case .tooLarge: return .tooManyElements("the output of layer '\(layer)'")
            }
        }
    }

    /// `16x26x26`
    static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "a scalar" : ShapeText.text(shape)
    }

    /// A shape with its feature count when it has more than one dimension.
    static func describeFeatures(_ shape: [Int]) -> String {
        let count = shape.checkedProduct.map(String.init) ?? "too many"
        return shape.count == 1 ? "\(count) features" : "\(describe(shape)) (\(count) features)"
    }

    // out = floor((in + 2 * padding - kernel) / stride) + 1   (Conv2d, MaxPool2d, AvgPool2d)
    static func spatial(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int? {
        let span = size + 2 * padding - kernel
        guard span >= 0, stride > 0 else { return nil }
        return span / stride + 1
    }

    /// The output shape, and whether a `linear` flattened its input first.
    static func output(of spec: CheckedLayerSpec, input: [Int]) -> Result<(shape: [Int], flattens: Bool), Failure> {
        switch spec {
        case .linear(let a, let b, _):
            if input.count == 1 && input[0] == a { return .success(([b], false)) }
            if input.count > 1, input.checkedProduct == a { return .success(([b], true)) }
            return .failure(.mismatch(expected: "\(a) features", got: describeFeatures(input)))
        case .conv(let a, let b, let k, let stride, let padding, _):
            guard input.count == 3, input[0] == a else {
                return .failure(.mismatch(expected: "\(a)xHxW", got: describe(input)))
            }
            guard let h = spatial(input[1], kernel: k, stride: stride, padding: padding),
                  let w = spatial(input[2], kernel: k, stride: stride, padding: padding) else {
                return .failure(.tooSmall(input: describe(input)))
            }
            return checked([b, h, w])
        case .maxpool(let k, let stride), .avgpool(let k, let stride):
            guard input.count == 3 else { return .failure(.mismatch(expected: "CxHxW", got: describe(input))) }
            guard let h = spatial(input[1], kernel: k, stride: stride, padding: 0),
                  let w = spatial(input[2], kernel: k, stride: stride, padding: 0) else {
                return .failure(.tooSmall(input: describe(input)))
            }
            return checked([input[0], h, w])
        case .batchnorm(let c):
            guard (input.count == 1 || input.count == 3), input[0] == c else {
                return .failure(.mismatch(expected: "\(c) or \(c)xHxW", got: describe(input)))
            }
            return .success((input, false))
        case .layernorm(let n):
            guard let last = input.last, last == n else {
                return .failure(.mismatch(expected: "a last dimension of \(n)", got: describe(input)))
            }
            return .success((input, false))
        case .flatten:
            guard let count = input.checkedProduct else { return .failure(.tooLarge) }
            return .success(([count], false))
        case .relu, .tanh, .sigmoid, .gelu, .dropout:
            return .success((input, false))
        }
    }

    private static func checked(_ shape: [Int]) -> Result<(shape: [Int], flattens: Bool), Failure> {
        guard let count = shape.checkedProduct, count <= Checker.maxCount else { return .failure(.tooLarge) }
        return .success((shape, false))
    }

    /// Whether the whole model accepts an input shape (used to infer it).
    static func accepts(_ specs: [CheckedLayerSpec], input: [Int]) -> Bool {
        var shape = input
        for spec in specs {
            guard case .success(let result) = output(of: spec, input: shape) else { return false }
            shape = result.shape
        }
        return true
    }
}
