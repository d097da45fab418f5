/// A layer of a sequential model, described without the language: what `nn.Sequential`'s
/// entries are in PyTorch.
public enum LayerSpec: Equatable, Sendable {
    /// `nn.Linear(in, out, bias)`; an input with several non-batch dimensions is flattened first.
    case linear(in: Int, out: Int, bias: Bool = true)
    /// `nn.Conv2d(in, out, kernel, stride, padding, bias)`, square kernel.
    case conv(in: Int, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true)
    /// `nn.ReLU()`.
    case relu
    /// `nn.Tanh()`.
    case tanh
    /// `nn.Sigmoid()`.
    case sigmoid
    /// `nn.GELU()` (exact erf form).
    case gelu
    /// `nn.Flatten()`: all non-batch dimensions into one.
    case flatten
    /// `nn.MaxPool2d(kernel, stride)`.
    case maxpool(kernel: Int, stride: Int)
    /// `nn.AvgPool2d(kernel, stride)`.
    case avgpool(kernel: Int, stride: Int)
    /// `nn.Dropout(p)`.
    case dropout(p: Double)
    /// `nn.BatchNorm1d(channels)` on [B, C] or [B, C, L]; `nn.BatchNorm2d` on [B, C, H, W].
    case batchnorm(channels: Int)
    /// `nn.LayerNorm(features)` over the last dimension.
    case layernorm(features: Int)
}

/// A shape disagreement found while laying out a model.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    /// Position of the layer in the model.
    public let layerIndex: Int
    /// The per-sample shape the layer was given.
    public let inputShape: [Int]
    /// What the layer needed.
    public let message: String

    public var description: String { "layer \(layerIndex): \(message) (input shape \(inputShape))" }
}

extension LayerSpec {
    /// The per-sample output shape for a per-sample `input` shape, or why it does not fit.
    public func outputShape(for input: [Int], layerIndex: Int = 0) -> Result<[Int], ShapeError> {
        func fail(_ message: String) -> Result<[Int], ShapeError> {
            .failure(ShapeError(layerIndex: layerIndex, inputShape: input, message: message))
        }
        let count = input.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        switch self {
        case let .linear(inFeatures, out, _):
            guard inFeatures > 0, out > 0 else { return fail("linear needs positive sizes") }
            guard !input.isEmpty, count == inFeatures else {
                return fail("linear \(inFeatures) \(out) needs \(inFeatures) input features")
            }
            return .success([out])
        case let .conv(inChannels, out, kernel, stride, padding, _):
            guard inChannels > 0, out > 0, kernel > 0, stride > 0, padding >= 0 else {
                return fail("conv needs positive sizes and a non-negative padding")
            }
            guard input.count == 3, input[0] == inChannels else {
                return fail("conv \(inChannels) \(out) \(kernel) needs input [\(inChannels), H, W]")
            }
            let h = input[1] + 2 * padding - kernel, w = input[2] + 2 * padding - kernel
            guard h >= 0, w >= 0 else { return fail("conv kernel \(kernel) larger than the padded input") }
            return .success([out, h / stride + 1, w / stride + 1])
        case let .maxpool(kernel, stride), let .avgpool(kernel, stride):
            guard kernel > 0, stride > 0 else { return fail("pooling needs positive kernel and stride") }
            guard input.count == 3, input[1] >= kernel, input[2] >= kernel else {
                return fail("pooling \(kernel) needs input [C, H, W] of at least \(kernel)x\(kernel)")
            }
            return .success([input[0], (input[1] - kernel) / stride + 1, (input[2] - kernel) / stride + 1])
        case .relu, .tanh, .sigmoid, .gelu:
            return .success(input)
        case .dropout(let p):
            guard p >= 0, p <= 1 else { return fail("dropout probability \(p) outside [0, 1]") }
            return .success(input)
        case .flatten:
            return .success([count])
        case .batchnorm(let channels):
            guard channels > 0, (1...3).contains(input.count), input[0] == channels else {
                return fail("batchnorm \(channels) needs input [\(channels)], [\(channels), L] or [\(channels), H, W]")
            }
            return .success(input)
        case .layernorm(let features):
            guard features > 0, input.last == features else {
                return fail("layernorm \(features) needs a last dimension of \(features)")
            }
            return .success(input)
        }
    }
}
