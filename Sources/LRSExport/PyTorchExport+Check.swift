import LRSFiles
import LRSEngine
import LRSLanguage
import LRSRuntime

extension PyTorchExport {
    /// `CheckPipeline.run` with `where` predicates evaluated on the values the exported
    /// program starts from: the `init` file's tensors when the script has one, else the
    /// runtime's PyTorch default initialisation from `seed` (bit-identical to
    /// `torch.manual_seed(seed)` and building the model), so the exported groups are the
    /// ones `lrs run` and the program use.
    /// `runLength` gives the run-length names (section 15) before the script does.
    public static func check(_ source: SourceFile, overrides: [String: Double] = [:],
                             runLength: RunLength = RunLength()) -> CheckPipeline.Outcome {
        CheckPipeline.run(source, overrides: overrides, options: Checker.Options(runLength: runLength)) { script in
            if let file = script.initFile {
                guard let stored = try? SafetensorsFile.read(path: file.path) else { return { _ in nil } }
                return { name in
                    guard let tensor = stored[name], tensor.type == .f32 || tensor.type == .f64 else { return nil }
                    return InitialValue(shape: tensor.shape, values: tensor.floats)
                }
            }
            return defaultInitialValues(script.model, seed: script.seed ?? 0)
        }
    }

    /// The parameters as the runtime initialises them, built on the first question (most
    /// scripts have no `where` and never ask); `nil` without an input shape to build with.
    static func defaultInitialValues(_ model: CheckedModel, seed: Int) -> InitialValueProvider {
        guard model.inputShape != nil else { return { _ in nil } }
        let values = LazyValues {
            let built = ModelLowering.build(model, generator: RandomGenerator(seed: UInt64(truncatingIfNeeded: seed)))
            var values: [String: InitialValue] = [:]
            for (name, parameter) in built.parameters {
                values[name] = InitialValue(shape: parameter.shape, values: parameter.value.values)
            }
            return values
        }
        return { values.get()[$0] }
    }

    /// A dictionary computed once, when first read.
    private final class LazyValues {
        private let make: () -> [String: InitialValue]
        private var made: [String: InitialValue]?

        init(_ make: @escaping () -> [String: InitialValue]) { self.make = make }

        func get() -> [String: InitialValue] {
            if let made { return made }
            let values = make()
            made = values
            return values
        }
    }
}
