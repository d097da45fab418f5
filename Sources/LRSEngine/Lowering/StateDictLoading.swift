import LRSFiles
import LRSLanguage
import LRSRuntime

/// Copying a safetensors file's tensors into a model by `state_dict()` name, strictly:
/// every name present, no extra ones, every shape equal (as `load_state_dict(strict=True)`).
enum StateDictLoading {
    /// Loads the model's state from `file`; names starting with `optimizer.` are ignored.
    /// Returns why it cannot, changing nothing in that case.
    static func load(_ file: SafetensorsFile, into model: Sequential) -> String? {
        let entries = model.stateDict
        let expected = Set(entries.map(\.name))
        let present = file.names.filter { !$0.hasPrefix("optimizer.") }
        let missing = entries.map(\.name).filter { file[$0] == nil }
        let unexpected = present.filter { !expected.contains($0) }
        if !missing.isEmpty || !unexpected.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing " + missing.map { "'\($0)'" }.joined(separator: ", ")) }
            if !unexpected.isEmpty { parts.append("unexpected " + unexpected.map { "'\($0)'" }.joined(separator: ", ")) }
            return "state_dict names do not match the model: " + parts.joined(separator: "; ")
        }
        for (name, entry) in entries {
            let stored = file[name]!
            let shape: [Int]
            switch entry {
            case .parameter(let p): shape = p.shape
            case .tensor(let t): shape = t.shape
            case .counter: shape = []
            }
            guard stored.shape == shape || (shape.isEmpty && stored.count == 1) else {
                return "tensor '\(name)' has shape \(ShapeText.text(stored.shape)) in the file, the model's is \(ShapeText.text(shape))"
            }
        }
        for (name, entry) in entries {
            let stored = file[name]!
            switch entry {
            case .parameter(let p): copy(stored.floats, into: p.value)
            case .tensor(let t): copy(stored.floats, into: t)
            case .counter(let c): c.value = stored.int64s.first ?? 0
            }
        }
        return nil
    }

    private static func copy(_ values: [Float], into tensor: Tensor) {
        values.withUnsafeBufferPointer { tensor.data.update(from: $0.baseAddress!, count: tensor.count) }
    }

    /// The model's `state_dict()` as safetensors tensors (float32; counters as I64).
    static func stateDict(of model: Sequential, into file: inout SafetensorsFile) {
        for (name, entry) in model.stateDict {
            switch entry {
            case .parameter(let p): file.set(name, StoredTensor(floats: p.value.values, shape: p.shape))
            case .tensor(let t): file.set(name, StoredTensor(floats: t.values, shape: t.shape))
            case .counter(let c): file.set(name, StoredTensor(int64s: [c.value], shape: []))
            }
        }
    }
}
