import LRSLayers

/// One layer of the checked model.
public struct CheckedLayer: Sendable {
    /// Position in the model, from 0 (as in `nn.Sequential`).
    public let index: Int
    /// The label, or the index as text: the prefix of its parameter names.
    public let name: String
    public let kind: LayerKind
    /// Its arguments resolved to typed values (PyTorch's defaults filled in): the runtime's
    /// description of the layer too.
    public let spec: LayerSpec
    /// Per-sample shapes (no batch dimension); `nil` where an earlier error left them unknown.
    public let inputShape: [Int]?
    public let outputShape: [Int]?
    /// A `linear` whose input has several dimensions, not ending in its input width,
    /// flattens it first (`LayerSpec.flattensInput`).
    public let flattensInput: Bool
    /// Index among the layers that have parameters (`layer` in expressions), if it has any.
    public let parameterLayerIndex: Int?
    public let range: SourceRange
}

/// A trainable parameter, in `state_dict()` order.
public struct ParameterInfo: Sendable, Equatable {
    /// `LAYERNAME.weight` or `LAYERNAME.bias`.
    public let name: String
    public let shape: [Int]
    /// Number of elements.
    public let count: Int
    public let layerName: String
    public let layerKind: LayerKind
    /// Position of the layer in the model.
    public let layerIndex: Int
    /// Index of the layer among the layers that have parameters.
    public let parameterLayerIndex: Int
}

/// A buffer (`running_mean`, `running_var`, `num_batches_tracked`), in `state_dict()` order.
public struct BufferInfo: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    /// `num_batches_tracked` is an int64 scalar; the others are float.
    public let isInteger: Bool
    public let layerName: String
}

/// An entry of the full `state_dict()`: parameters and buffers interleaved as PyTorch
/// orders them (per layer: parameters, then buffers).
public enum StateEntry: Sendable, Equatable {
    case parameter(ParameterInfo)
    case buffer(BufferInfo)

    public var name: String {
        switch self {
        case .parameter(let p): return p.name
        case .buffer(let b): return b.name
        }
    }
}

/// The checked model: layers, input shape, parameters and buffers.
public struct CheckedModel: Sendable {
    public let layers: [CheckedLayer]
    /// The per-sample input shape, given or inferred.
    public let inputShape: [Int]?
    /// Whether `inputShape` was inferred (no `input` statement).
    public let inputWasInferred: Bool
    /// The per-sample output shape.
    public let outputShape: [Int]?
    public let parameters: [ParameterInfo]
    public let buffers: [BufferInfo]
    /// Parameters and buffers in `state_dict()` order.
    public let stateDict: [StateEntry]
    public let range: SourceRange

    /// How many layers have parameters (`layers` in expressions).
    public var parameterLayerCount: Int { layers.reduce(0) { $0 + ($1.parameterLayerIndex == nil ? 0 : 1) } }

    /// Total number of parameter elements.
    public var parameterCount: Int { parameters.reduce(0) { $0 &+ $1.count } }
}
