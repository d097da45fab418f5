import LRSFiles
import LRSLayers

extension Checker {
    /// Checks every layer's arguments, names the parameters and buffers as PyTorch's
    /// `state_dict()` does, and follows the shape through the model.
    mutating func checkModel(_ syntax: ModelSyntax, range: SourceRange) -> CheckedModel? {
        guard !syntax.layers.isEmpty else {
            diagnostics.error(.emptyModel, at: range)
            return nil
        }
        var specs: [(LayerSyntax, LayerKind, LayerSpec, String)] = []
        var names: [String: SourceRange] = [:]
        var ok = true
        for (index, layer) in syntax.layers.enumerated() {
            let name = layer.label?.text ?? String(index)
            if let label = layer.label {
                if let first = names[label.text] {
                    diagnostics.error(.duplicateLayerName(label.text), at: label.range,
                                      notes: [.note(.previousDefinition(label.text), at: first)])
                    ok = false
                }
                names[label.text] = label.range
            }
            guard let kind = LayerKind(rawValue: layer.kind.text), let spec = layerSpec(layer, kind: kind) else {
                ok = false
                continue
            }
            specs.append((layer, kind, spec, name))
        }
        guard ok else { return nil }
        let (parameters, buffers, stateDict, parameterIndex) = stateEntries(specs.map { ($0.1, $0.2, $0.3) })
        guard let parameters else {
            diagnostics.error(.tooManyElements("the model"), at: range)
            return nil
        }
        let input = modelInput(specs.map { ($0.2, $0.3) }, modelRange: syntax.openRange)
        var shape = input?.shape
        var layers: [CheckedLayer] = []
        for (index, (layer, kind, spec, name)) in specs.enumerated() {
            let inputShape = shape
            var flattens = false
            if let current = shape {
                switch spec.outputShape(for: current) {
                case .success(let output):
                    shape = output
                    flattens = spec.flattensInput(current)
                    if flattens {
                        let count = current.reduce(1, *)
                        diagnostics.note(.implicitFlatten(layer: name, shape: ShapeText.text(current), count: count),
                                         at: layer.kind.range)
                    }
                case .failure(let failure):
                    diagnostics.error(.layerShape(failure.inside(name)), at: layer.range)
                    shape = nil
                }
            }
            layers.append(CheckedLayer(index: index, name: name, kind: kind, spec: spec, inputShape: inputShape,
                                       outputShape: shape, flattensInput: flattens,
                                       parameterLayerIndex: parameterIndex[index], range: layer.range))
        }
        return CheckedModel(layers: layers, inputShape: input?.shape, inputWasInferred: input?.inferred ?? false,
                            outputShape: shape, parameters: parameters, buffers: buffers, stateDict: stateDict,
                            range: range)
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
        }
    }

    /// Parameters, buffers and the full state_dict order; `nil` parameters when an element
    /// count overflows. Also the index of each layer among the layers with parameters.
    private func stateEntries(_ layers: [(LayerKind, LayerSpec, String)])
        -> ([ParameterInfo]?, [BufferInfo], [StateEntry], [Int: Int]) {
        var parameters: [ParameterInfo] = []
        var buffers: [BufferInfo] = []
        var entries: [StateEntry] = []
        var parameterIndex: [Int: Int] = [:]
        var total = 0
        for (position, (kind, spec, name)) in layers.enumerated() {
            var shapes: [(String, [Int])] = []
            var bufferShapes: [(String, [Int], Bool)] = []
            for entry in spec.stateShapes {
                switch entry.kind {
                case .parameter: shapes.append((entry.name, entry.shape))
                case .buffer: bufferShapes.append((entry.name, entry.shape, false))
                case .integerBuffer: bufferShapes.append((entry.name, entry.shape, true))
                }
            }
            guard !shapes.isEmpty else { continue }
            let layerIndex = parameterIndex.count
            parameterIndex[position] = layerIndex
            for (suffix, shape) in shapes {
                guard let count = shape.checkedProduct else { return (nil, [], [], [:]) }
                let (sum, overflow) = total.addingReportingOverflow(count)
                guard !overflow, sum <= Checker.maxCount * 16 else { return (nil, [], [], [:]) }
                total = sum
                let info = ParameterInfo(name: "\(name).\(suffix)", shape: shape, count: count, layerName: name,
                                         layerKind: kind, layerIndex: position, parameterLayerIndex: layerIndex)
                parameters.append(info)
                entries.append(.parameter(info))
            }
            for (suffix, shape, isInteger) in bufferShapes {
                let info = BufferInfo(name: "\(name).\(suffix)", shape: shape, isInteger: isInteger, layerName: name)
                buffers.append(info)
                entries.append(.buffer(info))
            }
        }
        return (parameters, buffers, entries, parameterIndex)
    }
}
