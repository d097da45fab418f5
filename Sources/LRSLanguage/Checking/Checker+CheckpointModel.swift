import LRSFiles

extension Checker {
    /// `model from "FILE"` (section 13): the parameters and buffers of a checkpoint, from its
    /// headers alone. Tensors with an integer or bool dtype and those named
    /// `*.running_mean`, `*.running_var`, `*.num_batches_tracked` are buffers; every other
    /// tensor is a parameter, kept in the checkpoint's order.
    mutating func checkCheckpointModel(_ literal: StringLiteral, range: SourceRange) -> CheckedModel? {
        let checked = file(literal, mustExist: false)
        let headers: CheckpointHeaders
        do throws(FileFormatError) {
            headers = try CheckpointHeaders.read(path: checked.path)
        } catch {
            diagnostics.error(.modelFile(literal.value, reason: error.reason), at: literal.range)
            return nil
        }
        var parameters: [ParameterInfo] = []
        var buffers: [BufferInfo] = []
        var entries: [StateEntry] = []
        parameters.reserveCapacity(headers.tensors.count)
        entries.reserveCapacity(headers.tensors.count)
        // Modules by first appearance: `layer` and `layers` in expressions, `each layer`.
        var modules: [Substring: Int] = [:]
        var segments: Set<String> = []
        var total = 0
        for tensor in headers.tensors {
            let name = tensor.name
            let dot = name.lastIndex(of: ".")
            // A top-level tensor (`cls_token`) is its own module, so `each layer` names it.
            let module = dot.map { name[..<$0] } ?? name[...]
            for segment in name.split(separator: ".", omittingEmptySubsequences: false) {
                segments.insert(String(segment))
            }
            if !tensor.dtype.isFloatingPoint || Checker.isBufferName(name) {
                let info = BufferInfo(name: name, shape: tensor.shape, isInteger: !tensor.dtype.isFloatingPoint,
                                      layerName: String(module))
                buffers.append(info)
                entries.append(.buffer(info))
                continue
            }
            let index: Int
            if let known = modules[module] {
                index = known
            } else {
                index = modules.count
                modules[module] = index
            }
            // The header reader checked each count; their sum may still overflow.
            let count = tensor.entry.count
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else {
                diagnostics.error(.tooManyElements("the model"), at: range)
                return nil
            }
            total = sum
            let info = ParameterInfo(name: name, shape: tensor.shape, count: count, layerName: String(module),
                                     layerKind: nil, layerIndex: index, parameterLayerIndex: index)
            parameters.append(info)
            entries.append(.parameter(info))
        }
        let file = CheckedModelFile(file: checked, moduleCount: modules.count, segments: segments)
        return CheckedModel(layers: [], inputShape: nil, inputWasInferred: false, outputShape: nil,
                            parameters: parameters, buffers: buffers, stateDict: entries, range: range, file: file)
    }

    /// Section 13's buffer names.
    static func isBufferName(_ name: String) -> Bool {
        name.hasSuffix(".running_mean") || name.hasSuffix(".running_var") || name.hasSuffix(".num_batches_tracked")
    }
}
