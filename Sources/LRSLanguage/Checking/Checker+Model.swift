import LRSFiles
import LRSLayers

extension Checker {
    /// The most items a model may have once every `repeat` is expanded: the checker lists
    /// each copy's items and parameters, so a count is bounded before anything is expanded.
    static let maxModelItems = 100_000

    /// Checks every item's arguments, names the parameters and buffers as PyTorch's
    /// `state_dict()` does (dotted through blocks, section 12), and follows the shape
    /// through every block.
    mutating func checkModel(_ syntax: ModelSyntax, range: SourceRange) -> CheckedModel? {
        guard !syntax.items.isEmpty else {
            diagnostics.error(.emptyModel, at: range)
            return nil
        }
        guard let tree = resolveItems(syntax.items, reserved: [:]) else { return nil }
        let expanded = ModelTree.expandedCount(tree)
        guard expanded <= Checker.maxModelItems else {
            diagnostics.error(.tooManyModelItems(limit: Checker.maxModelItems), at: range)
            return nil
        }
        let input = modelInput(tree.map { ($0.spec, $0.name) }, modelRange: syntax.openRange)
        var walk = ModelWalk(capacity: expanded)
        _ = walk.walk(tree, prefix: String?.none, top: Int?.none, depth: 0, labels: [], input: input?.shape, plain: true)
        for (condition, at) in walk.errors { diagnostics.error(condition, at: at) }
        for (condition, at) in walk.notes { diagnostics.note(condition, at: at) }
        guard !walk.overflow else {
            diagnostics.error(.tooManyElements("the model"), at: range)
            return nil
        }
        let layers = walk.items.filter { $0.depth == 0 }.map { item in
            CheckedLayer(index: item.topLevelIndex, name: item.name, kind: item.kind, spec: item.spec,
                         inputShape: item.inputShape, outputShape: item.outputShape, flattensInput: item.flattensInput,
                         parameterLayerIndex: item.parameterLayerIndex, range: item.range)
        }
        let output = walk.errors.isEmpty ? layers.last?.outputShape : nil
        var model = CheckedModel(layers: layers, inputShape: input?.shape, inputWasInferred: input?.inferred ?? false,
                                 outputShape: output, parameters: walk.parameters, buffers: walk.buffers,
                                 stateDict: walk.stateDict, range: range)
        model.items = walk.items
        model.embeddingRows = walk.firstEmbeddingRows
        return model
    }

    /// The items with their arguments checked and typed, blocks holding theirs; nil after
    /// an error (reported). `reserved`: names a label may not take (a residual's
    /// `shortcut`). Recursion is bounded by the parser's `maxModelDepth`.
    private mutating func resolveItems(_ items: [ModelItemSyntax], reserved: [String: SourceRange]) -> [ModelTree]? {
        var resolved: [ModelTree] = []
        var names = reserved
        var ok = true
        for (index, item) in items.enumerated() {
            let name = item.label?.text ?? String(index)
            if let label = item.label {
                if let first = names[label.text] {
                    diagnostics.error(.duplicateLayerName(label.text), at: label.range,
                                      notes: [.note(.previousDefinition(label.text), at: first)])
                    ok = false
                }
                names[label.text] = label.range
            }
            switch item {
            case .layer(let layer):
                guard let kind = LayerKind(rawValue: layer.kind.text), let spec = layerSpec(layer, kind: kind) else {
                    ok = false
                    continue
                }
                resolved.append(ModelTree(name: name, label: layer.label?.text, kind: .layer(kind), spec: spec,
                                          range: layer.range, children: [], shortcut: nil, keywordRange: layer.kind.range))
            case .block(let block):
                guard let tree = resolveBlock(block, name: name) else {
                    ok = false
                    continue
                }
                resolved.append(tree)
            }
        }
        return ok ? resolved : nil
    }

    private mutating func resolveBlock(_ block: BlockSyntax, name: String) -> ModelTree? {
        let errorRange = block.keyword?.range ?? block.openRange
        guard !block.body.isEmpty else {
            diagnostics.error(.emptyBlock(block.keyword?.text ?? "sequence"), at: block.openRange)
            return nil
        }
        switch block.kind {
        case .sequence:
            guard let body = resolveItems(block.body, reserved: [:]) else { return nil }
            return ModelTree(name: name, label: block.label?.text, kind: .sequence,
                             spec: .sequence(body.map(\.named)), range: block.range, children: body, shortcut: nil)
        case .repeat(let countExpr):
            let count = positiveInteger(countExpr, "the count of 'repeat'")
            let body = resolveItems(block.body, reserved: [:])
            guard let count, let body else { return nil }
            return ModelTree(name: name, label: block.label?.text, kind: .repeat(count: count),
                             spec: .repeat(count: count, body: body.map(\.named)), range: block.range,
                             children: body, shortcut: nil, keywordRange: errorRange)
        case .residual(let shortcutSyntax):
            // The shortcut is the attribute `shortcut`: no item of the body may be called so.
            let reserved = shortcutSyntax == nil ? [:] : ["shortcut": block.keyword?.range ?? block.range]
            let body = resolveItems(block.body, reserved: reserved)
            var shortcut: [ModelTree]?
            if let shortcutSyntax {
                guard !shortcutSyntax.isEmpty else {
                    diagnostics.error(.emptyBlock("shortcut"), at: block.range)
                    return nil
                }
                shortcut = resolveItems(shortcutSyntax, reserved: [:])
                if shortcut == nil { return nil }
            }
            guard let body else { return nil }
            return ModelTree(name: name, label: block.label?.text, kind: .residual,
                             spec: .residual(body: body.map(\.named), shortcut: shortcut?.map(\.named)),
                             range: block.range, children: body, shortcut: shortcut, keywordRange: errorRange)
        }
    }

    /// The typed layer, arguments checked and defaults filled in.
    private mutating func layerSpec(_ layer: LayerSyntax, kind: LayerKind) -> LayerSpec? {
        let positional = kind.positional
        let required = positional.filter { $0.defaultValue == nil }.count
        guard layer.arguments.count >= required, layer.arguments.count <= positional.count else {
            let expected = required == positional.count
                ? (required == 0 ? "no arguments" : "\(required) argument\(required == 1 ? "" : "s") (\(positional.map(\.name).joined(separator: " ")))")
                : "\(required) to \(positional.count) arguments"
            diagnostics.error(.layerArgumentCount(kind.rawValue, expected: expected, got: layer.arguments.count),
                              at: layer.range)
            return nil
        }
        guard checkDistinct(layer.options) else { return nil }
        func size(_ i: Int) -> Int? {
            guard i < layer.arguments.count else { return nil }
            return positiveInteger(layer.arguments[i], "'\(positional[i].name)' of '\(kind.rawValue)'")
        }
        func option(_ name: String) -> Expr? { layer.options.first { $0.name.text == name }?.values.first }
        func flag(_ name: String) -> Bool? {
            guard let expr = option(name) else { return true }
            return bool(expr, "'\(name)' of '\(kind.rawValue)'")
        }
        switch kind {
        case .linear:
            guard let a = size(0), let b = size(1), let bias = flag("bias") else { return nil }
            return .linear(in: a, out: b, bias: bias)
        case .conv:
            guard let a = size(0), let b = size(1), let k = size(2), let bias = flag("bias") else { return nil }
            let stride = option("stride").map { positiveInteger($0, "'stride' of 'conv'") } ?? 1
            let padding = option("padding").map { nonNegativeInteger($0, "'padding' of 'conv'") } ?? 0
            guard let stride, let padding else { return nil }
            return .conv(in: a, out: b, kernel: k, stride: stride, padding: padding, bias: bias)
        case .relu: return .relu
        case .tanh: return .tanh
        case .sigmoid: return .sigmoid
        case .gelu: return .gelu
        case .flatten: return .flatten
        case .avgpool where layer.arguments.first?.bareName == "global":
            // `avgpool global`: nn.AdaptiveAvgPool2d(1), which takes nothing else.
            guard layer.arguments.count == 1, layer.options.isEmpty else {
                diagnostics.error(.layerArgumentCount("avgpool global", expected: "no other arguments",
                                                      got: layer.arguments.count - 1 + layer.options.count), at: layer.range)
                return nil
            }
            return .globalAvgPool
        case .maxpool, .avgpool:
            guard let k = size(0) else { return nil }
            let stride = option("stride").map { positiveInteger($0, "'stride' of '\(kind.rawValue)'") } ?? k
            guard let stride else { return nil }
            return kind == .maxpool ? .maxpool(kernel: k, stride: stride) : .avgpool(kernel: k, stride: stride)
        case .dropout:
            guard let expr = layer.arguments.first else { return .dropout(p: 0.5) }
            guard let p = number(expr, "'p' of 'dropout'") else { return nil }
            guard p >= 0, p <= 1 else {
                diagnostics.error(.valueOutOfRange("'p' of 'dropout'", value: p, range: "between 0 and 1"), at: expr.range)
                return nil
            }
            return .dropout(p: p)
        case .batchnorm:
            return size(0).map { .batchnorm(channels: $0) }
        case .layernorm:
            return size(0).map { .layernorm(features: $0) }
        case .silu: return .silu
        case .embedding:
            guard let count = size(0), let dim = size(1) else { return nil }
            return .embedding(count: count, dim: dim)
        case .posembed:
            guard let length = size(0), let dim = size(1) else { return nil }
            return .posembed(length: length, dim: dim)
        case .rmsnorm:
            guard let n = size(0) else { return nil }
            guard let epsExpr = option("eps") else { return .rmsnorm(features: n) }
            guard let eps = number(epsExpr, "'eps' of 'rmsnorm'") else { return nil }
            guard eps >= 0 else {
                diagnostics.error(.valueOutOfRange("'eps' of 'rmsnorm'", value: eps, range: "at least 0"), at: epsExpr.range)
                return nil
            }
            return .rmsnorm(features: n, eps: eps)
        case .attention:
            guard let dim = size(0) else { return nil }
            guard let headsExpr = option("heads") else {
                diagnostics.error(.missingOption("heads", of: "attention"), at: layer.range)
                return nil
            }
            guard let heads = positiveInteger(headsExpr, "'heads' of 'attention'") else { return nil }
            guard dim % heads == 0 else {
                diagnostics.error(.headsDoNotDivide(heads: heads, width: dim), at: headsExpr.range)
                return nil
            }
            let causal = option("causal").map { bool($0, "'causal' of 'attention'") } ?? false
            let bias = option("bias").map { bool($0, "'bias' of 'attention'") } ?? true
            var p: Double? = 0
            if let expr = option("dropout") {
                p = number(expr, "'dropout' of 'attention'")
                if let value = p, !(value >= 0 && value <= 1) {
                    diagnostics.error(.valueOutOfRange("'dropout' of 'attention'", value: value, range: "between 0 and 1"),
                                      at: expr.range)
                    p = nil
                }
            }
            guard let causal, let bias, let p else { return nil }
            return .attention(dim: dim, heads: heads, causal: causal, bias: bias, dropout: p)
        }
    }
}
