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
        var modules: [String: Int] = [:]
        modules.reserveCapacity(headers.tensors.count)
        var total = 0
        for tensor in headers.tensors {
            let name = tensor.name
            // ASCII names (all real ones) by their bytes; others by Characters, as before.
            let ascii = name.utf8.allSatisfy { $0 < 0x80 }
            let dot = ascii ? name.utf8.lastIndex(of: UInt8(ascii: ".")) : name.lastIndex(of: ".")
            // A top-level tensor (`cls_token`) is its own module, so `each layer` names it.
            let module = dot.map { name[..<$0] } ?? name[...]
            if !tensor.dtype.isFloatingPoint || Checker.isBufferName(name, ascii: ascii) {
                let info = BufferInfo(name: name, shape: tensor.shape, isInteger: !tensor.dtype.isFloatingPoint,
                                      layerName: String(module))
                buffers.append(info)
                entries.append(.buffer(info))
                continue
            }
            let index: Int
            let layerName: String
            // Parameters of one module come together: most need no lookup, nor a name of their own.
            if let last = parameters.last, Checker.sameBytes(last.layerName, module) {
                index = last.layerIndex
                layerName = last.layerName
            } else {
                layerName = String(module)
                // One hash for a new module (nearly all): the rare one seen before is put back.
                let next = modules.count
                if let known = modules.updateValue(next, forKey: layerName) {
                    modules[layerName] = known
                    index = known
                } else {
                    index = next
                }
            }
            // The header reader checked each count; their sum may still overflow.
            let count = tensor.entry.count
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else {
                diagnostics.error(.tooManyElements("the model"), at: range)
                return nil
            }
            total = sum
            let info = ParameterInfo(name: name, shape: tensor.shape, count: count, layerName: layerName,
                                     layerKind: nil, layerIndex: index, parameterLayerIndex: index)
            parameters.append(info)
            entries.append(.parameter(info))
        }
        let file = CheckedModelFile(file: checked, moduleCount: modules.count)
        return CheckedModel(layers: [], inputShape: nil, inputWasInferred: false, outputShape: nil,
                            parameters: parameters, buffers: buffers, stateDict: entries, range: range, file: file)
    }

    /// Section 13's buffer names.
    static func isBufferName(_ name: String) -> Bool {
        name.hasSuffix(".running_mean") || name.hasSuffix(".running_var") || name.hasSuffix(".num_batches_tracked")
    }

    /// The same for a name known to be ASCII or not: an ASCII name's suffix compared byte by
    /// byte (a 10,000-tensor header asks 30,000 times).
    static func isBufferName(_ name: String, ascii: Bool) -> Bool {
        guard ascii else { return isBufferName(name) }
        let found = name.utf8.withContiguousStorageIfAvailable { bytes in
            func ends(_ suffix: StaticString) -> Bool {
                let count = suffix.utf8CodeUnitCount
                return bytes.count >= count && suffix.withUTF8Buffer { bytes.suffix(count).elementsEqual($0) }
            }
            return ends(".running_mean") || ends(".running_var") || ends(".num_batches_tracked")
        }
        return found ?? isBufferName(name)
    }

    /// Whether a module name is the bytes of a slice of another name: compared where they
    /// lie (the generic comparison of two UTF-8 views walked them index by index).
    static func sameBytes(_ name: String, _ slice: Substring) -> Bool {
        let same = name.utf8.withContiguousStorageIfAvailable { a in
            slice.utf8.withContiguousStorageIfAvailable { b in a.count == b.count && a.elementsEqual(b) }
        }
        return (same ?? nil) ?? name.utf8.elementsEqual(slice.utf8)
    }

    /// Whether `word` is a whole dotted segment of some tensor name of the checkpoint. Asked
    /// once per word selector: a scan of the names, not a set of every segment built for
    /// each check of a 10,000-tensor model.
    static func isNameSegment(_ word: String, of model: CheckedModel) -> Bool {
        model.stateDict.contains { CheckedModelFile.name($0.name, hasSegment: word) }
    }

    /// The distinct segments of the checkpoint's names, for suggestions.
    static func nameSegments(of model: CheckedModel) -> [String] {
        var segments: Set<String> = []
        for entry in model.stateDict {
            for segment in entry.name.split(separator: ".") where Int(segment) == nil { segments.insert(String(segment)) }
        }
        return segments.sorted()
    }
}
