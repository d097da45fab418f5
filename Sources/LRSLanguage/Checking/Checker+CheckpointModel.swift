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
        let table = headers.table
        // Per parameter, its tensor and its module: no `String` or `ParameterInfo` made.
        var tensors: [Int32] = [], modules: [Int32] = []
        tensors.reserveCapacity(table.count)
        modules.reserveCapacity(table.count)
        var buffers: [BufferInfo] = []
        var bufferPositions: [Int] = []
        // Room for a module per two tensors (a module holds a weight and a bias, or more; a
        // table for every tensor faulted in 128 KB of slots for 10,000), grown when there are more.
        var numbers = ModuleNumbers(capacity: table.count / 2)
        var total = 0
        var overflowed = false
        table.withNames { names in
            // The last parameter and its facts: parameters of one module come together, and
            // most are found in it by their bytes, with no lookup.
            var last: (name: Int, facts: NameFacts)?
            for position in 0 ..< table.count {
                let name = names[position]
                let facts = NameFacts(name, knownASCII: names.isASCII)
                let dtype = table.dtypes[position]
                if !dtype.isFloatingPoint || facts.isBuffer {
                    // A top-level tensor (`cls_token`) is its own module, so `each layer` names it.
                    buffers.append(BufferInfo(name: String(decoding: name, as: UTF8.self), shape: table.shape(position),
                                              isInteger: !dtype.isFloatingPoint, layerName: facts.module(of: name)))
                    bufferPositions.append(position)
                    continue
                }
                let module: Int
                if let last, let previous = modules.last, facts.sameModule(name, as: names[last.name], last.facts) {
                    module = Int(previous)
                } else {
                    module = numbers.number(ofModule: facts.moduleBytes, of: position, digest: facts.moduleDigest(of: name), in: names)
                }
                last = (position, facts)
                // The header reader checked each count; their sum may still overflow.
                let (sum, overflow) = total.addingReportingOverflow(table.elementCount(position))
                guard !overflow else {
                    overflowed = true
                    break
                }
                total = sum
                tensors.append(Int32(position))
                modules.append(Int32(module))
            }
        }
        guard !overflowed else {
            diagnostics.error(.tooManyElements("the model"), at: range)
            return nil
        }
        let file = CheckedModelFile(file: checked, moduleCount: numbers.count)
        return CheckedModel(file: file, parameters: ParameterList(table: table, tensors: tensors, modules: modules),
                            buffers: buffers, bufferPositions: bufferPositions, range: range)
    }

    /// Section 13's buffer names, compared as `String`s (by characters): for names that are not
    /// ASCII. `NameFacts` compares an ASCII name's bytes with the same three ends, spelled out
    /// there for speed (a shared list cost 2% of a 10,000-tensor check); `NameFactsTests` holds
    /// the two to the same answers.
    static func isBufferName(_ name: String) -> Bool {
        name.hasSuffix(".running_mean") || name.hasSuffix(".running_var") || name.hasSuffix(".num_batches_tracked")
    }

    /// Whether `word` is a whole dotted segment of some tensor name of the checkpoint. Asked
    /// once per word selector: a scan of the names, not a set of every segment built for
    /// each check of a 10,000-tensor model.
    static func isNameSegment(_ word: String, of model: CheckedModel) -> Bool {
        var word = word
        return word.withUTF8 { word in model.anyTensor { CheckedModelFile.hasSegment($0, word) } }
    }

    /// The distinct segments of the checkpoint's names, for suggestions.
    static func nameSegments(of model: CheckedModel) -> [String] {
        var segments: Set<String> = []
        for name in model.parameters.names + model.buffers.map(\.name) {
            for segment in name.split(separator: ".") where Int(segment) == nil { segments.insert(String(segment)) }
        }
        return segments.sorted()
    }
}
