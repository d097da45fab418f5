import LRSFiles
import LRSLayers

/// Walks the checked items in model order (PyTorch's construction and `state_dict()`
/// order), copies of `repeat`s expanded: dotted names, parameters and buffers, the
/// index of each layer with parameters, and the shape through every block, with what is
/// wrong as diagnostics located at the item's text (once per text: a mistake inside a
/// `repeat` is reported for its first copy only).
struct ModelWalk {
    var items: [CheckedItem] = []
    var parameters: [ParameterInfo] = []
    var buffers: [BufferInfo] = []
    var stateDict: [StateEntry] = []
    var errors: [(DiagnosticCondition, SourceRange)] = []
    var notes: [(DiagnosticCondition, SourceRange)] = []
    /// A parameter count overflowed the language's limit.
    var overflow = false
    /// The rows of the first layer when it is an `embedding` outside any residual or repeat.
    var firstEmbeddingRows: Int?
    private var parameterLayers = 0
    private var total = 0
    private var sawLayer = false
    private var reported: Set<Int> = []
    private var noted: Set<Int> = []

    init(capacity: Int) {
        items.reserveCapacity(capacity)
    }

    /// Walks `list` (the items of a sequence under `prefix`) from the per-sample shape
    /// `input`; returns the output shape, nil when unknown. `plain`: no residual or repeat
    /// encloses the list (an embedding may only be first there). Recursion is bounded by
    /// the parser's block depth.
    mutating func walk(_ list: [ModelTree], prefix: String?, top: Int?, depth: Int, labels: [String],
                       input: [Int]?, plain: Bool) -> [Int]? {
        var shape = input
        for (position, item) in list.enumerated() {
            let topIndex = top ?? position
            let name = prefix.map { "\($0).\(item.name)" } ?? item.name
            let itemLabels = item.label.map { labels + [$0] } ?? labels
            let slot = items.count
            let before = total
            let itemInput = shape
            var output: [Int]?
            var flattens = false
            var layerIndex: Int?
            // A placeholder, completed once the items inside are walked.
            items.append(CheckedItem(name: name, label: item.label, kind: item.kind, depth: depth, topLevelIndex: topIndex,
                                     spec: item.spec, inputShape: itemInput, outputShape: nil, flattensInput: false,
                                     parameterLayerIndex: nil, parameterCount: 0, range: item.range))
            switch item.kind {
            case .layer(let kind):
                if kind == .embedding {
                    if sawLayer || !plain {
                        error(.embeddingNotFirst, at: item.range)
                    } else if case let .embedding(count, _) = item.spec {
                        firstEmbeddingRows = count
                    }
                }
                sawLayer = true
                if let current = shape {
                    switch item.spec.outputShape(for: current) {
                    case .success(let next):
                        output = next
                        flattens = item.spec.flattensInput(current)
                        if flattens, noted.insert(item.range.start).inserted {
                            notes.append((.implicitFlatten(layer: name, shape: ShapeText.text(current),
                                                           count: current.checkedProduct ?? 0), item.keywordRange ?? item.range))
                        }
                    case .failure(let failure):
                        error(.layerShape(ShapeFailure(failure.reason, input: failure.input, path: Self.path(name))),
                              at: item.range)
                    }
                }
                layerIndex = addState(of: item, kind: kind, name: name, top: topIndex, labels: itemLabels)
            case .sequence, .shortcut:
                output = walk(item.children, prefix: name, top: topIndex, depth: depth + 1, labels: itemLabels,
                              input: shape, plain: plain)
            case .repeat(let count):
                var copyShape = shape
                for copy in 0 ..< count {
                    copyShape = walk([item.copy(copy)], prefix: name, top: topIndex, depth: depth + 1, labels: itemLabels,
                                     input: copyShape, plain: false)
                }
                output = copyShape
            case .residual:
                let body = walk(item.children, prefix: name, top: topIndex, depth: depth + 1, labels: itemLabels,
                                input: shape, plain: false)
                var skip = shape
                if let shortcut = item.shortcutItem() {
                    skip = walk([shortcut], prefix: name, top: topIndex, depth: depth + 1, labels: itemLabels,
                                input: shape, plain: false)
                }
                if let body, let skip, let current = shape {
                    if body == skip {
                        output = body
                    } else {
                        let failure = ShapeFailure(.residualShapes(body: body, shortcut: item.shortcut == nil ? nil : skip),
                                                   input: current, path: Self.path(name))
                        error(.layerShape(failure), at: item.keywordRange ?? item.range)
                    }
                }
            }
            items[slot] = CheckedItem(name: name, label: item.label, kind: item.kind, depth: depth, topLevelIndex: topIndex,
                                      spec: item.spec, inputShape: itemInput, outputShape: output, flattensInput: flattens,
                                      parameterLayerIndex: layerIndex, parameterCount: total - before, range: item.range)
            shape = output
        }
        return shape
    }

    /// Records a layer's parameters and buffers (LRSLayers' table of state shapes, the one
    /// the runtime allocates from); returns its index among the layers with parameters.
    private mutating func addState(of item: ModelTree, kind: LayerKind, name: String, top: Int,
                                   labels: [String]) -> Int? {
        let state = item.spec.stateShapes
        guard state.contains(where: { $0.kind == .parameter }) else { return nil }
        let index = parameterLayers
        parameterLayers += 1
        for entry in state where entry.kind == .parameter {
            guard let count = entry.shape.checkedProduct else {
                overflow = true
                return index
            }
            let (sum, overflowed) = total.addingReportingOverflow(count)
            guard !overflowed, sum <= Checker.maxCount * 16 else {
                overflow = true
                return index
            }
            total = sum
            let info = ParameterInfo(name: "\(name).\(entry.name)", shape: entry.shape, count: count, layerName: name,
                                     layerKind: kind, layerIndex: top, parameterLayerIndex: index, labels: labels)
            parameters.append(info)
            stateDict.append(.parameter(info))
        }
        for entry in state where entry.kind != .parameter {
            let info = BufferInfo(name: "\(name).\(entry.name)", shape: entry.shape, isInteger: entry.kind == .integerBuffer,
                                  layerName: name)
            buffers.append(info)
            stateDict.append(.buffer(info))
        }
        return index
    }

    private mutating func error(_ condition: DiagnosticCondition, at range: SourceRange) {
        guard reported.insert(range.start).inserted else { return }
        errors.append((condition, range))
    }

    /// `blocks.2.1.fc` as the path of a `ShapeFailure`.
    static func path(_ name: String) -> [String] {
        name.split(separator: ".").map(String.init)
    }
}
