import LRSFiles
import LRSLanguage

extension Dataset {
    /// `text "FILE" context T`: the file's bytes as token ids 0-255; sample i is
    /// x = bytes[i*T, i*T+T), y = bytes[i*T+1, i*T+T+1), for every i with i*T+T+1 <= length
    /// (the targets are the inputs shifted by one, as a character-level language model
    /// trains). Throws `DataProblem.textShorterThanContext` for a file of fewer than T + 1 bytes.
    public static func text(path: String, context: Int) throws -> Dataset {
        precondition(context > 0, "Dataset.text: context \(context)")
        let bytes = try FileBytes.readAll(path)
        let samples = TextData.sampleCount(length: bytes.count, context: context)
        guard samples > 0 else { throw DataProblem.textShorterThanContext(path: path, bytes: bytes.count, context: context) }
        var inputs = [Float](repeating: 0, count: samples * context)
        var labels = [Int32](repeating: 0, count: samples * context)
        for j in 0 ..< samples * context {
            inputs[j] = Float(bytes[j])
            labels[j] = Int32(bytes[j + 1])
        }
        return Dataset(sampleShape: [context], inputs: inputs, targets: .positionClasses(labels, positions: context))
    }

    /// The first input that an embedding of `rows` rows cannot look up (not a whole number
    /// in 0..<rows), as sample and position, or nil.
    public func firstBadTokenId(rows: Int) -> (sample: Int, position: Int, value: Float)? {
        let size = sampleSize
        guard size > 0 else { return nil }
        let limit = Float(rows)
        for (index, value) in inputs.enumerated() where !(value >= 0 && value < limit && value == value.rounded()) {
            return (index / size, index % size, value)
        }
        return nil
    }
}

/// A data file that cannot be used, with what a diagnostic needs to say why.
public enum DataProblem: Error, Equatable {
    /// `text "FILE" context T` on a file of fewer than T + 1 bytes (the checker refuses it
    /// first; the file may have changed since).
    case textShorterThanContext(path: String, bytes: Int, context: Int)
}
