import LRSFiles

/// A layer of a sequential model, described without the language or tensors: what
/// `nn.Sequential`'s entries are in PyTorch. The checker's model and the runtime's are made
/// of these, so a layer is described once.
public enum LayerSpec: Equatable, Sendable {
    /// `nn.Linear(in, out, bias)` on the last dimension when it is `in`; any other input with
    /// several non-batch dimensions is flattened first.
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

extension LayerSpec {
    /// The most elements a layer's output may have per sample (2^40, the language's largest size).
    public static let maxElements = 1 << 40

    /// The per-sample output shape for a per-sample `input` shape, or why it does not fit:
    /// the one table of shape rules, PyTorch's, for the checker and the runtime alike.
    public func outputShape(for input: [Int]) -> Result<[Int], ShapeFailure> {
        func fail(_ reason: ShapeFailure.Reason) -> Result<[Int], ShapeFailure> {
            .failure(ShapeFailure(reason, input: input))
        }
        func invalid(_ argument: ShapeFailure.InvalidArgument) -> Result<[Int], ShapeFailure> {
            fail(.invalidArgument(argument))
        }
        // A shape within the limit, or the failure.
        func checked(_ shape: [Int]) -> Result<[Int], ShapeFailure> {
            guard let count = shape.checkedProduct, count <= Self.maxElements else { return fail(.tooManyElements) }
            return .success(shape)
        }
        // out = floor((in + 2 * padding - kernel) / stride) + 1   (Conv2d, MaxPool2d, AvgPool2d);
        // sizes are at most 2^40, so the sum cannot overflow.
        func spatial(_ size: Int, kernel: Int, stride: Int, padding: Int) -> Int? {
            let span = size + 2 * padding - kernel
            return span >= 0 ? span / stride + 1 : nil
        }
        switch self {
        case let .linear(inFeatures, out, _):
            guard inFeatures > 0, out > 0 else { return invalid(.nonPositiveSize) }
            // PyTorch's rule first: the last dimension, when it is the input width (section 12);
            // otherwise the flattened sample (section 4).
            if input.count > 1, input.last == inFeatures { return checked(input.dropLast() + [out]) }
            guard !input.isEmpty, input.checkedProduct == inFeatures else { return fail(.mismatch(expected: .features(inFeatures))) }
            return .success([out])
        case let .conv(inChannels, out, kernel, stride, padding, _):
            guard inChannels > 0, out > 0, kernel > 0, stride > 0 else { return invalid(.nonPositiveSize) }
            guard padding >= 0 else { return invalid(.negativePadding) }
            guard input.count == 3, input[0] == inChannels else { return fail(.mismatch(expected: .channelsImage(inChannels))) }
            guard let h = spatial(input[1], kernel: kernel, stride: stride, padding: padding),
                  let w = spatial(input[2], kernel: kernel, stride: stride, padding: padding) else { return fail(.tooSmall) }
            return checked([out, h, w])
        case let .maxpool(kernel, stride), let .avgpool(kernel, stride):
            guard kernel > 0, stride > 0 else { return invalid(.nonPositiveSize) }
            guard input.count == 3 else { return fail(.mismatch(expected: .image)) }
            guard let h = spatial(input[1], kernel: kernel, stride: stride, padding: 0),
                  let w = spatial(input[2], kernel: kernel, stride: stride, padding: 0) else { return fail(.tooSmall) }
            return checked([input[0], h, w])
        case .relu, .tanh, .sigmoid, .gelu, .silu:
            return .success(input)
        case .dropout(let p):
            guard p >= 0, p <= 1 else { return invalid(.probability(p)) }
            return .success(input)
        case .flatten:
            guard let count = input.checkedProduct else { return fail(.tooManyElements) }
            return .success([count])
        case .batchnorm(let channels):
            guard channels > 0 else { return invalid(.nonPositiveSize) }
            // BatchNorm1d on [B, C] or [B, C, L], BatchNorm2d on [B, C, H, W].
            guard (1...3).contains(input.count), input[0] == channels else {
                return fail(.mismatch(expected: .channels(channels)))
            }
            return .success(input)
        case .layernorm(let features), .rmsnorm(let features, _):
            guard features > 0 else { return invalid(.nonPositiveSize) }
            if case .rmsnorm(_, let eps?) = self, !(eps >= 0) { return invalid(.negativeEpsilon) }
            guard input.last == features else { return fail(.mismatch(expected: .lastDimension(features))) }
            return .success(input)
        case let .embedding(vocabulary, dim):
            guard vocabulary > 0, dim > 0 else { return invalid(.nonPositiveSize) }
            guard input.count == 1 else { return fail(.mismatch(expected: .ids)) }
            return checked(input + [dim])
        case let .posembed(length, dim):
            guard length > 0, dim > 0 else { return invalid(.nonPositiveSize) }
            guard input.count == 2, input[1] == dim, input[0] <= length else {
                return fail(.mismatch(expected: .sequence(width: dim, maxLength: length)))
            }
            return .success(input)
        case let .attention(dim, heads, _, _, dropout):
            guard dim > 0, heads > 0 else { return invalid(.nonPositiveSize) }
            guard dim % heads == 0 else { return invalid(.headsDoNotDivide(heads: heads, width: dim)) }
            guard dropout >= 0, dropout <= 1 else { return invalid(.probability(dropout)) }
            guard input.count == 2, input[1] == dim else { return fail(.mismatch(expected: .sequence(width: dim, maxLength: nil))) }
            return .success(input)
        case .globalAvgPool:
            guard input.count == 3 else { return fail(.mismatch(expected: .image)) }
            return .success([input[0], 1, 1])
        case .sequence(let items):
            return Self.outputShapes(of: items, input: input).map { $0.last ?? input }
        case let .residual(body, shortcut):
            let bodyShape = Self.outputShapes(of: body, input: input).map { $0.last ?? input }
            guard case .success(let out) = bodyShape else { return bodyShape }
            let other = shortcut.map { Self.outputShapes(of: $0, input: input).map { $0.last ?? input }.mapError { $0.inside("shortcut") } }
                ?? .success(input)
            guard case .success(let skip) = other else { return other }
            guard out == skip else { return fail(.residualShapes(body: out, shortcut: shortcut == nil ? nil : skip)) }
            return .success(out)
        case let .repeat(times, body):
            guard times > 0 else { return invalid(.nonPositiveCount) }
            var shape = input
            for copy in 0..<times {
                switch Self.outputShapes(of: body, input: shape) {
                case .success(let shapes): shape = shapes.last ?? shape
                case .failure(let failure): return .failure(failure.inside("\(copy)"))
                }
            }
            return .success(shape)
        }
    }

    /// Whether the layer flattens its input first: a `linear` whose input has several
    /// dimensions and does not end in its input width (section 4's implicit flatten).
    public func flattensInput(_ input: [Int]) -> Bool {
        guard case .linear(let inFeatures, _, _) = self else { return false }
        return input.count > 1 && input.last != inFeatures
    }

    /// Every item's per-sample output shape, items run in order, or the first failure,
    /// located by the item's name.
    public static func outputShapes(of items: [NamedLayer], input: [Int]) -> Result<[[Int]], ShapeFailure> {
        var shapes: [[Int]] = []
        var shape = input
        for item in items {
            switch item.spec.outputShape(for: shape) {
            case .success(let next): shape = next
            case .failure(let failure): return .failure(failure.inside(item.name))
            }
            shapes.append(shape)
        }
        return .success(shapes)
    }
}
