import LRSFiles
import LRSLanguage

/// The data a run trains and validates on, loaded from the script's `data`, `validate`
/// and `split` statements. File problems become diagnostics at the statement.
public struct RunData: Sendable {
    public let training: Dataset
    public let validation: Dataset?

    /// Loads the script's data; nil with a diagnostic when a file cannot be used, and nil
    /// with none when the script has no `data` statement.
    public static func load(_ script: CheckedScript) -> Result<RunData?, Diagnostic> {
        guard let source = script.data else { return .success(nil) }
        let seed = UInt64(truncatingIfNeeded: script.seed ?? 0)
        var training: Dataset
        let rows = script.model.embeddingRows
        switch load(source, shape: script.model.inputShape, seed: seed, embeddingRows: rows) {
        case .success(let d): training = d
        case .failure(let e): return .failure(e)
        }
        var validation: Dataset?
        for statement in script.statements {
            switch statement {
            case .validate(let other):
                switch load(other, shape: script.model.inputShape, seed: seed &+ 1, embeddingRows: rows) {
                case .success(let d): validation = d
                case .failure(let e): return .failure(e)
                }
            case .split(let fraction, let range):
                let total = training.count
                validation = training.splitOffLast(fraction)
                // Training on no samples would report a NaN loss and succeed.
                if training.count == 0, total > 0 {
                    return .failure(.error(.noTrainingSamples(samples: total, split: fraction), at: range))
                }
            default: break
            }
        }
        if training.count == 0 {
            return .failure(.error(.noTrainingSamples(samples: 0, split: nil), at: source.range))
        }
        return .success(RunData(training: training, validation: validation))
    }

    /// One source's data; with `embeddingRows` (a model that takes token ids), every input
    /// must be one of the embedding's rows, checked here, where the file and the sample's row
    /// in it are known.
    static func load(_ source: CheckedDataSource, shape: [Int]?, seed: UInt64, embeddingRows: Int? = nil) -> Result<Dataset, Diagnostic> {
        let loaded = load(source, shape: shape, seed: seed, takesIds: embeddingRows != nil)
        guard let rows = embeddingRows, case .success(let set) = loaded else { return loaded }
        let file = source.files.first
        if let problem = TokenInput.problem(in: set, rows: rows, path: file?.written ?? source.kind.rawValue,
                                            at: file?.range ?? source.range) {
            return .failure(problem)
        }
        return loaded
    }

    private static func load(_ source: CheckedDataSource, shape: [Int]?, seed: UInt64, takesIds: Bool) -> Result<Dataset, Diagnostic> {
        let options = Dictionary(source.options.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        do {
            switch source.kind {
            case .npy:
                guard source.files.count == 2 else { break }
                return .success(try Dataset.npy(inputs: source.files[0].path, targets: source.files[1].path, sampleShape: shape,
                                                takesIds: takesIds))
            case .csv:
                guard let file = source.files.first else { break }
                var label: Dataset.CSVLabel?
                switch options["label"] {
                case .string(let name)?, .symbol(let name)?: label = .name(name)
                case let value?: label = value.number.map { .index(Int($0)) }
                case nil: label = nil
                }
                var header: Bool?
                if case .bool(let b)? = options["header"] { header = b }
                return .success(try Dataset.csv(path: file.path, label: label, header: header, sampleShape: shape))
            case .synthetic:
                let settings = SyntheticSettings(source)
                return .success(Dataset.synthetic(samples: settings.samples, classes: settings.classes,
                                                  noise: settings.noise, sampleShape: shape ?? [], seed: seed))
            case .text:
                guard let file = source.files.first, let context = source.context else { break }
                return .success(try Dataset.text(path: file.path, context: context))
            }
        } catch let error as DataProblem {
            switch error {
            case let .textShorterThanContext(path, bytes, context):
                let file = source.files.first { $0.path == path }
                return .failure(.error(.textTooShort(file?.written ?? path, bytes: bytes, context: context),
                                       at: file?.range ?? source.range))
            }
        } catch let error as FileFormatError {
            let range = source.files.first { $0.path == error.path }?.range ?? source.range
            return .failure(.error(.dataFile(error.path, reason: error.reason), at: range))
        } catch {
            return .failure(.error(.dataUnreadable(String(describing: error)), at: source.range))
        }
        return .failure(.error(.unsupportedDataSource(source.kind.rawValue), at: source.range))
    }
}
