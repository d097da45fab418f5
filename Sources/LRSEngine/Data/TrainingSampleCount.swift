import LRSFiles
import Foundation
import LRSLanguage

/// How many optimizer steps an epoch of `lrs run` takes, told from the script without
/// loading its data: the first dimension in the `.npy` header, the data rows of the CSV
/// (counted, not parsed), or `synthetic samples N`; less what `split` keeps for validation;
/// in batches of `train batch`. `lrs schedule` shows that many steps per epoch by default.
public struct TrainingSampleCount: Sendable, Equatable {
    /// Optimizer steps per epoch (at least 1).
    public let stepsPerEpoch: Int
    /// Training samples, after `split`.
    public let samples: Int
    public let batch: Int
    /// Where the samples came from, for the note: `'x.npy' holds 80 samples, 64 after
    /// 'split 0.2'`.
    public let origin: String

    /// Why a script's count could not be told.
    public struct Problem: Error, Sendable, Equatable {
        public let reason: String
    }

    /// The count for a script with `data` and `train`; `nil` when it lacks either.
    public static func of(_ script: CheckedScript) -> Result<TrainingSampleCount, Problem>? {
        guard let data = script.data, let train = script.train else { return nil }
        let total: Int
        var origin: String
        do {
            switch data.kind {
            case .npy:
                guard let file = data.files.first else { return .failure(Problem(reason: "'data npy' names no file")) }
                total = try npyFirstDimension(file.path)
                origin = "'\(file.written)' holds \(total) samples"
            case .csv:
                guard let file = data.files.first else { return .failure(Problem(reason: "'data csv' names no file")) }
                var header: Bool?
                if case .bool(let b)? = data.options.first(where: { $0.name == "header" })?.value { header = b }
                total = try CSVTable.dataRowCount(try FileBytes.readAll(file.path), path: file.path, header: header)
                origin = "'\(file.written)' holds \(total) data rows"
            case .synthetic:
                total = SyntheticSettings(data).samples
                origin = "'synthetic' makes \(total) samples"
            case .text:
                guard let file = data.files.first, let context = data.context else {
                    return .failure(Problem(reason: "'data text' names no file"))
                }
                let length = try FileBytes.size(of: file.path)
                total = TextData.sampleCount(length: length, context: context)
                origin = "'\(file.written)' holds \(length) bytes, \(total) samples of context \(context)"
            }
        } catch let error as FileFormatError {
            return .failure(Problem(reason: "'\(error.path)': \(error.reason)"))
        } catch {
            return .failure(Problem(reason: "\(error)"))
        }
        var samples = total
        for case .split(let fraction, _) in script.statements {
            // As Dataset.splitLast: the last round(N x F) samples validate.
            let held = min(total, max(0, Int((Double(total) * fraction).rounded())))
            samples = total - held
            origin += ", \(samples) after 'split \(fraction)'"
        }
        let batch = max(1, train.batch)
        let steps = train.optimizerSteps(batches: Trainer.stepsPerEpoch(samples: samples, batch: batch))
        guard steps >= 1 else { return .failure(Problem(reason: origin + ": no training samples")) }
        return .success(TrainingSampleCount(stepsPerEpoch: steps, samples: samples, batch: batch, origin: origin))
    }

    /// The first dimension of an `.npy` array, from its header alone.
    static func npyFirstDimension(_ path: String) throws -> Int {
        let shape = try NpyArray.read(path: path, loadingData: false).shape
        guard let first = shape.first else { throw FileFormatError(path: path, "the array has no sample dimension") }
        return first
    }
}
