import LRSFiles
import LRSLanguage
import LRSRuntime

/// Builds a script's model once, on first need, exactly as a run does: the global generator
/// seeded with `seed` (default 0, as `torch.manual_seed`), the layers initialised in order,
/// then the `init` file loaded if there is one. `lrs check` asks it for initial values only
/// when a `where` predicate reads them; `lrs run` takes the same model and generator.
public final class ModelFactory {
    public let script: CheckedScript
    private var built: Result<(Sequential, RandomGenerator), Diagnostic>?

    public init(_ script: CheckedScript) {
        self.script = script
    }

    /// The seeded generator and the initialised model (with `init` loaded), or why not.
    public func model() -> Result<(model: Sequential, generator: RandomGenerator), Diagnostic> {
        if let built { return built.map { (model: $0.0, generator: $0.1) } }
        let generator = RandomGenerator(seed: UInt64(truncatingIfNeeded: script.seed ?? 0))
        let model = ModelLowering.build(script.model, generator: generator)
        var result: Result<(Sequential, RandomGenerator), Diagnostic> = .success((model, generator))
        if let file = script.initFile {
            do {
                let state = try SafetensorsFile.read(path: file.path)
                if let problem = StateDictLoading.load(state, into: model) {
                    result = .failure(.error(.stateFile(file.written, reason: problem), at: file.range))
                }
            } catch let error as FileFormatError {
                result = .failure(.error(.stateFile(file.written, reason: error.reason), at: file.range))
            } catch {
                result = .failure(.error(.stateFile(file.written, reason: "\(error)"), at: file.range))
            }
        }
        built = result
        return result.map { (model: $0.0, generator: $0.1) }
    }

    /// Initial values for `where` predicates: the model's parameters by name.
    public var initialValues: InitialValueProvider {
        if let checkpointValues { return checkpointValues }
        return { [self] name in
            guard case .success(let built) = model(),
                  let p = built.model.parameters.first(where: { $0.name == name })?.parameter else { return nil }
            return InitialValue(shape: p.shape, values: p.value.values)
        }
    }
}
