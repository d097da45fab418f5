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
        // The last parameter's name and facts: parameters of one module come together, and
        // most are found in it by their bytes, no slice or lookup made.
        var last: (name: String, facts: NameFacts)?
        var total = 0
        var overflowed = false
        headers.forEachEntry { position, tensor in
            guard !overflowed else { return }
            let name = tensor.name
            let facts = NameFacts(name)
            if !tensor.dtype.isFloatingPoint || facts.isBuffer {
                // A top-level tensor (`cls_token`) is its own module, so `each layer` names it.
                buffers.append(BufferInfo(name: name, shape: tensor.shape, isInteger: !tensor.dtype.isFloatingPoint,
                                          layerName: String(facts.module(of: name))))
                bufferPositions.append(position)
                return
            }
            let index: Int
            if let previous = parameters.last, let last, facts.sameModule(name, as: last.name, last.facts) {
                index = previous.layerIndex
            } else {
                index = modules.number(of: facts.module(of: name), digest: facts.moduleDigest)
            }
            last = (name, facts)
            // The header reader checked each count; their sum may still overflow.
            let count = tensor.count
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else {
                overflowed = true
                return
            }
            total = sum
            parameters.append(ParameterInfo(checkpointName: name, shape: tensor.shape, count: count, module: index))
        }
        guard !overflowed else {
            diagnostics.error(.tooManyElements("the model"), at: range)
            return nil
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
