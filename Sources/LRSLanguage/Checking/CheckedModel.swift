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
///
/// A parameter of a model from a checkpoint (section 13) has no layer in lrs: its "layer"
/// is the module that holds it in PyTorch, its name less the last segment
/// (`encoder.layer.3.output.LayerNorm` for `encoder.layer.3.output.LayerNorm.weight`),
/// numbered in order of first appearance, and it has no kind.
public struct ParameterInfo: Sendable, Equatable {
    /// `LAYERNAME.weight` or `LAYERNAME.bias`.
    public let name: String
    public let shape: [Int]
    /// Number of elements.
    public let count: Int
    public let layerName: String
    /// `nil` for a parameter of a model from a checkpoint.
    public let layerKind: LayerKind?
    /// Position of the layer in the model.
    public let layerIndex: Int
    /// Index of the layer among the layers that have parameters.
    public let parameterLayerIndex: Int
}

extension ParameterInfo {
    /// Whether a word selector takes this parameter (section 6): its layer's kind or name; a
    /// checkpoint's parameters have no kind, so there a word is a whole segment of the name
    /// (section 13).
    public func isSelected(byWord word: String) -> Bool {
        guard let kind = layerKind else { return CheckedModelFile.name(name, hasSegment: word) }
        // The kind's spelling, not `LayerKind(rawValue:)`: one comparison, not one per kind.
        return word == kind.rawValue || word == layerName
    }
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
    /// The checkpoint of `model from "FILE"`; then `layers` is empty.
    public var file: CheckedModelFile? = nil

    /// How many layers have parameters (`layers` in expressions); for a model from a
    /// checkpoint, how many modules hold parameters.
    public var parameterLayerCount: Int {
        if let file { return file.moduleCount }
        return layers.reduce(0) { $0 + ($1.parameterLayerIndex == nil ? 0 : 1) }
    }

    /// Total number of parameter elements.
    public var parameterCount: Int { parameters.reduce(0) { $0 &+ $1.count } }
}

/// What the checker knows of the checkpoint of `model from "FILE"` (section 13) beyond the
/// parameters and buffers: where it is, and how many modules hold its parameters.
public struct CheckedModelFile: Sendable {
    /// The file as written and resolved against the script's directory.
    public let file: CheckedFile
    /// How many modules (names less their last segment) hold parameters.
    public let moduleCount: Int

    /// Whether `word` is a whole dotted segment of `name` (`LayerNorm` of
    /// `encoder.layer.3.output.LayerNorm.weight`, but not of `LayerNorm2.weight`).
    public static func name(_ name: String, hasSegment word: String) -> Bool {
        var name = name, word = word
        return name.withUTF8 { n in
            word.withUTF8 { w in
                guard !w.isEmpty, n.count >= w.count else { return false }
                var start = 0
                while start <= n.count {
                    var end = start
                    while end < n.count, n[end] != UInt8(ascii: ".") { end += 1 }
                    if end - start == w.count, n[start ..< end].elementsEqual(w) { return true }
                    start = end + 1
                }
                return false
            }
        }
    }
}
