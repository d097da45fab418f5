import LRSLanguage

extension PyTorchExport {
    /// `CheckPipeline.run` with `where` predicates evaluated on the `init` file's tensors
    /// when the script has one (what `lrs run` trains from), so the exported groups are
    /// the ones the run would use.
    public static func check(_ source: SourceFile, overrides: [String: Double] = [:]) -> CheckPipeline.Outcome {
        CheckPipeline.run(source, overrides: overrides) { script in
            guard let file = script.initFile, let stored = try? SafetensorsFile.read(path: file.path) else {
                return placeholderInitialValues(for: script.model, seed: script.seed)
            }
            return { name in
                guard let tensor = stored[name], tensor.type == .f32 || tensor.type == .f64 else { return nil }
                let values = tensor.type == .f32 ? tensor.floats : tensor.doubles.map { Float($0) }
                return InitialValue(shape: tensor.shape, values: values)
            }
        }
    }
}
