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
    /// `nn.Embedding(count, dim)`: integer ids [T] (held exactly in float32) to vectors [T, dim].
    case embedding(count: Int, dim: Int)
    /// A learned vector per position added to [T, dim], T <= length (`weight` [length, dim]).
    case posembed(length: Int, dim: Int)
    /// `nn.MultiheadAttention(dim, heads, dropout, bias, batch_first=True)` with q = k = v
    /// over [T, dim], and a causal mask when `causal`.
    case attention(dim: Int, heads: Int, causal: Bool = false, bias: Bool = true, dropout: Double = 0)
    /// `nn.RMSNorm(features, eps)` over the last dimension; nil eps is float32's epsilon.
    case rmsnorm(features: Int, eps: Double? = nil)
    /// `nn.SiLU()`.
    case silu
    /// `nn.AdaptiveAvgPool2d(1)`: [C, H, W] to [C, 1, 1].
    case globalAvgPool
    /// A nested `nn.Sequential`: the items in order, named by their own names.
    case sequence([NamedLayer])
    /// `body(x) + x`, or `body(x) + shortcut(x)`: the body's items are named directly under
    /// the residual, the shortcut's under `shortcut`.
    case residual(body: [NamedLayer], shortcut: [NamedLayer]? = nil)
    /// `count` copies of `body`, each with its own parameters, named `0` ... `count - 1`.
    case `repeat`(count: Int, body: [NamedLayer])
}

/// An item of a nested model: its name in the state_dict path and what it is.
public struct NamedLayer: Equatable, Sendable {
    /// The label, or the position in the enclosing sequence.
    public var name: String
    /// The layer or container.
    public var spec: LayerSpec

    public init(_ name: String, _ spec: LayerSpec) {
        self.name = name
        self.spec = spec
    }
}

/// A shape disagreement found while laying out a model.
public struct ShapeError: Error, Equatable, CustomStringConvertible {
    /// Position of the layer in the model.
    public let layerIndex: Int
    /// The per-sample shape the layer was given.
    public let inputShape: [Int]
    /// What the layer needed.
    public let message: String
    /// For a layer inside containers, the names from the container down to the layer
    /// (`["0", "fc"]`: item `fc` of the container's body item `0`); empty at top level.
    public var innerPath: [String] = []

    public init(layerIndex: Int, inputShape: [Int], message: String, innerPath: [String] = []) {
        self.layerIndex = layerIndex
        self.inputShape = inputShape
        self.message = message
        self.innerPath = innerPath
    }

    public var description: String {
        let inner = innerPath.isEmpty ? "" : " (inside, at \(innerPath.joined(separator: ".")))"
        return "layer \(layerIndex)\(inner): \(message) (input shape \(inputShape))"
    }
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
            // PyTorch's rule first: the last dimension, when it is the input width.
            if input.count > 1, input.last == inFeatures { return .success(input.dropLast() + [out]) }
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
        case .relu, .tanh, .sigmoid, .gelu, .silu:
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
        case let .embedding(vocabulary, dim):
            guard vocabulary > 0, dim > 0 else { return fail("embedding needs positive sizes") }
            guard input.count == 1 else { return fail("embedding needs integer ids [T]") }
            return .success(input + [dim])
        case let .posembed(length, dim):
            guard length > 0, dim > 0 else { return fail("posembed needs positive sizes") }
            guard input.count == 2, input[1] == dim, input[0] <= length else {
                return fail("posembed \(length) \(dim) needs input [T, \(dim)] with T <= \(length)")
            }
            return .success(input)
        case let .attention(dim, heads, _, _, dropout):
            guard dim > 0, heads > 0 else { return fail("attention needs positive sizes") }
            guard dim % heads == 0 else { return fail("attention: \(heads) heads do not divide width \(dim)") }
            guard dropout >= 0, dropout <= 1 else { return fail("attention dropout \(dropout) outside [0, 1]") }
            guard input.count == 2, input[1] == dim else { return fail("attention \(dim) needs input [T, \(dim)]") }
            return .success(input)
        case let .rmsnorm(features, eps):
            guard features > 0, (eps ?? 0) >= 0 else { return fail("rmsnorm needs a positive size") }
            guard input.last == features else { return fail("rmsnorm \(features) needs a last dimension of \(features)") }
            return .success(input)
        case .globalAvgPool:
            guard input.count == 3 else { return fail("avgpool global needs input [C, H, W]") }
            return .success([input[0], 1, 1])
        case .sequence(let items):
            return Self.chainShape(items, input: input, layerIndex: layerIndex, prefix: [])
        case let .residual(body, shortcut):
            let bodyShape = Self.chainShape(body, input: input, layerIndex: layerIndex, prefix: [])
            guard case .success(let out) = bodyShape else { return bodyShape }
            let other = shortcut.map { Self.chainShape($0, input: input, layerIndex: layerIndex, prefix: ["shortcut"]) }
                ?? .success(input)
            guard case .success(let skip) = other else { return other }
            guard out == skip else {
                return fail(shortcut == nil
                    ? "residual body changes the shape to \(out) without a shortcut"
                    : "residual body gives \(out) but its shortcut gives \(skip)")
            }
            return .success(out)
        case let .repeat(times, body):
            guard times > 0 else { return fail("repeat needs a positive count") }
            var shape = input
            for copy in 0..<times {
                switch Self.chainShape(body, input: shape, layerIndex: layerIndex, prefix: ["\(copy)"]) {
                case .success(let next): shape = next
                case .failure(let error): return .failure(error)
                }
            }
            return .success(shape)
        }
    }

    /// The output shape of items run in order, or the first disagreement, located by its
    /// path inside the container at `layerIndex`.
    static func chainShape(_ items: [NamedLayer], input: [Int], layerIndex: Int,
                           prefix: [String]) -> Result<[Int], ShapeError> {
        var shape = input
        for item in items {
            switch item.spec.outputShape(for: shape, layerIndex: layerIndex) {
            case .success(let next): shape = next
            case .failure(let error):
                let path = prefix + [item.name] + error.innerPath
                return .failure(ShapeError(layerIndex: layerIndex, inputShape: error.inputShape,
                                           message: error.message, innerPath: path))
            }
        }
        return .success(shape)
    }
}
