import LRSFiles
import LRSLayers

/// One top-level item of the checked model: a layer or a block (section 12).
public struct CheckedLayer: Sendable {
    /// Position in the model, from 0 (as in `nn.Sequential`).
    public let index: Int
    /// The label, or the index as text: the prefix of its parameter names.
    public let name: String
    public let kind: ModelItemKind
    /// Its arguments resolved to typed values (PyTorch's defaults filled in), a block's
    /// items nested inside: the runtime's description of the item too.
    public let spec: LayerSpec
    /// Per-sample shapes (no batch dimension); `nil` where an earlier error left them unknown.
    public let inputShape: [Int]?
    public let outputShape: [Int]?
    /// A `linear` whose input has several dimensions, not ending in its input width,
    /// flattens it first (`LayerSpec.flattensInput`).
    public let flattensInput: Bool
    /// Index among the layers that have parameters (`layer` in expressions), if it is a
    /// layer and has any (a block's layers have theirs: see `CheckedModel.items`).
    public let parameterLayerIndex: Int?
    public let range: SourceRange
}

/// What an item of a model is: a layer of some kind, or a block.
public enum ModelItemKind: Sendable, Equatable {
    case layer(LayerKind)
    /// `LABEL: < ITEMS >`, and each copy of a `repeat`'s body (named `0` ... `N-1`).
    case sequence
    case residual
    /// A residual's `shortcut < ITEMS >`.
    case shortcut
    case `repeat`(count: Int)

    /// The words that write blocks (for completion and the language's word list).
    public static let blockWords = ["residual", "shortcut", "repeat", "global"]

    /// The layer kind, for a layer.
    public var layerKind: LayerKind? {
        if case .layer(let kind) = self { return kind }
        return nil
    }

    /// How `show model` names it: the layer kind, or the block's word.
    public var word: String {
        switch self {
        case .layer(let kind): return kind.rawValue
        case .sequence: return "sequence"
        case .residual: return "residual"
        case .shortcut: return "shortcut"
        case .repeat(let count): return "repeat \(count)"
        }
    }
}

/// An item of the model at any depth, `repeat` copies expanded: what `show model`, `each
/// layer`, label selectors and the memory estimate walk (no recursion: a flat list in model
/// order, each item before the items inside it).
public struct CheckedItem: Sendable {
    /// The dotted name (`blocks.2.1.fc`): the prefix of its parameter names.
    public let name: String
    /// The label as written, if any (the same for every copy inside a `repeat`).
    public let label: String?
    public let kind: ModelItemKind
    /// 0 for a top-level item.
    public let depth: Int
    /// The position of the top-level item that holds it.
    public let topLevelIndex: Int
    /// What PyTorch builds for it (a block's items inside).
    public let spec: LayerSpec
    /// Per-sample shapes; `nil` where an earlier error left them unknown.
    public let inputShape: [Int]?
    public let outputShape: [Int]?
    /// A `linear` that flattens its input first.
    public let flattensInput: Bool
    /// For a layer with parameters: its index among those layers (`layer` in expressions).
    public let parameterLayerIndex: Int?
    /// Parameter elements it holds (a block: all its items').
    public let parameterCount: Int
    /// Where it is written (every copy of a `repeat` points at the same text).
    public let range: SourceRange
}

/// A trainable parameter, in `state_dict()` order.
///
/// A parameter of a model from a checkpoint (section 13) has no layer in lrs: its "layer"
/// is the module that holds it in PyTorch, its name less the last segment
/// (`encoder.layer.3.output.LayerNorm` for `encoder.layer.3.output.LayerNorm.weight`),
/// numbered in order of first appearance, and it has no kind.
public struct ParameterInfo: Sendable, Equatable {
    /// `LAYERNAME.weight` or `LAYERNAME.bias` (dotted through blocks: `blocks.0.0.attn.in_proj_weight`).
    public let name: String
    public let shape: [Int]
    /// Number of elements.
    public let count: Int
    /// The dotted name of the layer that holds it (`blocks.0.0.attn`). A checkpoint's
    /// parameter's is made from its name when asked: a 10,000-tensor model has thousands of
    /// modules, and a check seldom asks for one.
    public var layerName: String { storedLayerName ?? CheckedModelFile.moduleName(of: name) }
    private let storedLayerName: String?
    /// `nil` for a parameter of a model from a checkpoint.
    public let layerKind: LayerKind?
    /// Position in the model of the top-level item that holds it (the layer itself in a
    /// flat model).
    public let layerIndex: Int
    /// Index of the layer among the layers that have parameters.
    public let parameterLayerIndex: Int
    /// The labels written on the items that hold it, outermost first (section 12: a label
    /// selects every item written with it, at any depth).
    public var labels: [String] = []

    public init(name: String, shape: [Int], count: Int, layerName: String, layerKind: LayerKind?, layerIndex: Int,
                parameterLayerIndex: Int, labels: [String] = []) {
        self.name = name
        self.shape = shape
        self.count = count
        self.storedLayerName = layerName
        self.layerKind = layerKind
        self.layerIndex = layerIndex
        self.parameterLayerIndex = parameterLayerIndex
        self.labels = labels
    }

    /// A parameter of a checkpoint (section 13): its module is its name less the last
    /// segment, the `module`-th to appear.
    public init(checkpointName name: String, shape: [Int], count: Int, module: Int) {
        self.name = name
        self.shape = shape
        self.count = count
        self.storedLayerName = nil
        self.layerKind = nil
        self.layerIndex = module
        self.parameterLayerIndex = module
    }

    public static func == (a: ParameterInfo, b: ParameterInfo) -> Bool {
        a.name == b.name && a.shape == b.shape && a.count == b.count && a.layerName == b.layerName
            && a.layerKind == b.layerKind && a.layerIndex == b.layerIndex && a.parameterLayerIndex == b.parameterLayerIndex
            && a.labels == b.labels
    }
}

extension ParameterInfo {
    /// Whether a word selector takes this parameter (section 6): its layer's kind or name; a
    /// checkpoint's parameters have no kind, so there a word is a whole segment of the name
    /// (section 13).
    public func isSelected(byWord word: String) -> Bool {
        guard let kind = layerKind else { return CheckedModelFile.name(name, hasSegment: word) }
        // The kind's spelling, not `LayerKind(rawValue:)`: one comparison, not one per kind.
        // A position name (`0`) means a top-level item only; a label, any depth.
        return word == kind.rawValue || word == layerName || labels.contains(word) || isTopLevelItem(word)
    }
}

extension ParameterInfo {
    /// Whether `word` is the name of the top-level item that holds this parameter.
    func isTopLevelItem(_ word: String) -> Bool {
        name.utf8.count > word.utf8.count && name.hasPrefix(word) && name.utf8.dropFirst(word.utf8.count).first == UInt8(ascii: ".")
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
    /// The top-level items.
    public let layers: [CheckedLayer]
    /// Every item at any depth, in model order (`CheckedItem`); the top-level ones too.
    public var items: [CheckedItem] = []
    /// The rows of the first layer when it is an `embedding`: samples are then sequences of
    /// integer ids below it, `input T` their length (section 12).
    public var embeddingRows: Int?
    /// The first layer is an `embedding`: the data holds token ids.
    public var takesTokenIds: Bool { embeddingRows != nil }
    /// The per-sample input shape, given or inferred.
    public let inputShape: [Int]?
    /// Whether `inputShape` was inferred (no `input` statement).
    public let inputWasInferred: Bool
    /// The per-sample output shape.
    public let outputShape: [Int]?
    public let parameters: ParameterList
    public let buffers: [BufferInfo]
    /// Parameters and buffers in `state_dict()` order. A checkpoint's is made when asked,
    /// from where its buffers stand: `lrs check` of a big checkpoint never needs it.
    public var stateDict: [StateEntry] { storedStateDict ?? interleaved() }
    private let storedStateDict: [StateEntry]?
    /// A checkpoint's: the position in `state_dict()` order of each buffer, increasing.
    private var bufferPositions: [Int] = []
    public let range: SourceRange
    /// The checkpoint of `model from "FILE"`; then `layers` is empty.
    public var file: CheckedModelFile? = nil

    public init(layers: [CheckedLayer], inputShape: [Int]?, inputWasInferred: Bool, outputShape: [Int]?,
                parameters: [ParameterInfo], buffers: [BufferInfo], stateDict: [StateEntry], range: SourceRange) {
        self.layers = layers
        self.inputShape = inputShape
        self.inputWasInferred = inputWasInferred
        self.outputShape = outputShape
        self.parameters = ParameterList(parameters)
        self.buffers = buffers
        self.storedStateDict = stateDict
        self.range = range
    }

    /// The model of a checkpoint: no layers, no shapes, its tensors in the file's order,
    /// buffer `i` at position `bufferPositions[i]` of them.
    public init(file: CheckedModelFile, parameters: ParameterList, buffers: [BufferInfo], bufferPositions: [Int],
                range: SourceRange) {
        self.layers = []
        self.inputShape = nil
        self.inputWasInferred = false
        self.outputShape = nil
        self.parameters = parameters
        self.buffers = buffers
        self.storedStateDict = nil
        self.bufferPositions = bufferPositions
        self.range = range
        self.file = file
    }

    private func interleaved() -> [StateEntry] {
        var entries: [StateEntry] = []
        entries.reserveCapacity(parameters.count + buffers.count)
        var nextParameter = 0, nextBuffer = 0
        while nextParameter < parameters.count || nextBuffer < buffers.count {
            let bufferHere = nextBuffer < bufferPositions.count && bufferPositions[nextBuffer] == entries.count
            if nextBuffer < buffers.count, bufferHere || nextParameter == parameters.count {
                entries.append(.buffer(buffers[nextBuffer]))
                nextBuffer += 1
            } else {
                entries.append(.parameter(parameters[nextParameter]))
                nextParameter += 1
            }
        }
        return entries
    }

    /// Whether any parameter's or buffer's name satisfies `test`, asked of its UTF-8 bytes, in
    /// no particular order.
    public func anyTensor(_ test: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        parameters.withNames { names in (0 ..< names.count).contains { test(names[$0]) } }
            || buffers.contains { var name = $0.name; return name.withUTF8(test) }
    }

    /// How many layers have parameters (`layers` in expressions); for a model from a
    /// checkpoint, how many modules hold parameters.
    public var parameterLayerCount: Int {
        if let file { return file.moduleCount }
        return items.reduce(0) { $0 + ($1.parameterLayerIndex == nil ? 0 : 1) }
    }

    /// The dotted names of the layers with parameters, in order (`each layer`'s groups).
    public var parameterLayerNames: [String] {
        items.compactMap { $0.parameterLayerIndex == nil ? nil : $0.name }
    }

    /// Total number of parameter elements.
    public var parameterCount: Int { parameters.elementCount }
}

/// What the checker knows of the checkpoint of `model from "FILE"` (section 13) beyond the
/// parameters and buffers: where it is, and how many modules hold its parameters.
public struct CheckedModelFile: Sendable {
    /// The file as written and resolved against the script's directory.
    public let file: CheckedFile
    /// How many modules (names less their last segment) hold parameters.
    public let moduleCount: Int

    /// The module that holds a checkpoint's tensor: its name less the last segment, or the
    /// name itself for a top-level tensor (`cls_token`), so that `each layer` names it.
    public static func moduleName(of name: String) -> String {
        NameFacts.module(of: name)
    }

    /// Whether `word` is a whole dotted segment of `name` (`LayerNorm` of
    /// `encoder.layer.3.output.LayerNorm.weight`, but not of `LayerNorm2.weight`).
    public static func name(_ name: String, hasSegment word: String) -> Bool {
        var name = name, word = word
        return name.withUTF8 { n in word.withUTF8 { w in hasSegment(n, w) } }
    }

    /// `name(_:hasSegment:)` on UTF-8 bytes.
    public static func hasSegment(_ n: UnsafeBufferPointer<UInt8>, _ w: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !w.isEmpty, n.count >= w.count else { return false }
        return anySegment(of: n) { start, end in end - start == w.count && ByteCompare.equal(n, start, w, 0, count: w.count) }
    }

    /// Whether `wanted` holds for some dotted segment of `n`, given as where it starts and ends
    /// (the segments found eight bytes at a time: word selectors ask it of every name).
    @inlinable
    public static func anySegment(of n: UnsafeBufferPointer<UInt8>, _ wanted: (Int, Int) -> Bool) -> Bool {
        var start = 0
        while start <= n.count {
            let end = ByteScan.next(UInt8(ascii: "."), in: n, from: start)
            if wanted(start, end) { return true }
            start = end + 1
        }
        return false
    }
}
