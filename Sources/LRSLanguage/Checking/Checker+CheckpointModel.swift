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
        var bufferPositions: [Int] = []
        parameters.reserveCapacity(headers.tensors.count)
        var modules = ModuleNumbers(capacity: headers.tensors.count)
        var lastModule: Substring = ""
        var total = 0
        for (position, tensor) in headers.tensors.enumerated() {
            let name = tensor.name
            let facts = NameFacts(name)
            // A top-level tensor (`cls_token`) is its own module, so `each layer` names it.
            let module = facts.module(of: name)
            if !tensor.dtype.isFloatingPoint || facts.isBuffer {
                buffers.append(BufferInfo(name: name, shape: tensor.shape, isInteger: !tensor.dtype.isFloatingPoint,
                                          layerName: String(module)))
                bufferPositions.append(position)
                continue
            }
            let index: Int
            // Parameters of one module come together: most need no lookup.
            if let last = parameters.last, Checker.sameBytes(lastModule, module) {
                index = last.layerIndex
            } else {
                index = modules.number(of: module, digest: facts.moduleDigest)
            }
            lastModule = module
            // The header reader checked each count; their sum may still overflow.
            let count = tensor.entry.count
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else {
                diagnostics.error(.tooManyElements("the model"), at: range)
                return nil
            }
            total = sum
            parameters.append(ParameterInfo(checkpointName: name, shape: tensor.shape, count: count, module: index))
        }
        let file = CheckedModelFile(file: checked, moduleCount: modules.count)
        return CheckedModel(file: file, parameters: parameters, buffers: buffers, bufferPositions: bufferPositions, range: range)
    }

    /// Section 13's buffer names.
    static func isBufferName(_ name: String) -> Bool {
        name.hasSuffix(".running_mean") || name.hasSuffix(".running_var") || name.hasSuffix(".num_batches_tracked")
    }

    /// Whether a module name is the bytes of a slice of another name: compared where they
    /// lie (the generic comparison of two UTF-8 views walked them index by index).
    static func sameBytes(_ name: Substring, _ slice: Substring) -> Bool {
        let same = name.utf8.withContiguousStorageIfAvailable { a in
            slice.utf8.withContiguousStorageIfAvailable { b in a.count == b.count && a.elementsEqual(b) }
        }
        return (same ?? nil) ?? name.utf8.elementsEqual(slice.utf8)
    }

    /// Whether `word` is a whole dotted segment of some tensor name of the checkpoint. Asked
    /// once per word selector: a scan of the names, not a set of every segment built for
    /// each check of a 10,000-tensor model.
    static func isNameSegment(_ word: String, of model: CheckedModel) -> Bool {
        model.anyTensor { CheckedModelFile.name($0, hasSegment: word) }
    }

    /// The distinct segments of the checkpoint's names, for suggestions.
    static func nameSegments(of model: CheckedModel) -> [String] {
        var segments: Set<String> = []
        for name in model.parameters.map(\.name) + model.buffers.map(\.name) {
            for segment in name.split(separator: ".") where Int(segment) == nil { segments.insert(String(segment)) }
        }
        return segments.sorted()
    }
}
