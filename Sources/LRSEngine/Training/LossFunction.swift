import LRSFiles
import LRSLanguage
import LRSRuntime

/// The loss of a run: `cross_entropy` on logits and class indices, or `mse` over all
/// elements, both mean-reduced (the contract's default follows the targets' type).
enum LossFunction {
    case crossEntropy(classes: Int)
    case mse

    static func choose(_ settings: CheckedTrain, data: RunData, outputShape: [Int]) throws(Diagnostic) -> LossFunction {
        let outputs = outputShape.reduce(1, *)
        let name = settings.loss ?? (data.training.classCount != nil ? "cross_entropy" : "mse")
        switch (name, data.training.targets) {
        case ("cross_entropy", .positionClasses(_, let positions)):
            // Logits [B, T, V] against targets [B, T]: the mean over all B*T positions.
            guard outputShape.count == 2, outputShape[0] == positions, let classes = outputShape.last else {
                throw .error(.crossEntropySequenceShape(output: ShapeText.text(outputShape), positions: positions),
                             at: settings.range)
            }
            for set in [data.training] + (data.validation.map { [$0] } ?? []) {
                if let count = set.classCount, count > classes {
                    throw .error(.labelBeyondOutputs(classIndex: count - 1, outputs: classes), at: settings.range)
                }
            }
            return .crossEntropy(classes: classes)
        case ("mse", .positionClasses):
            throw .error(.mseNeedsFloatTargets(outputs: outputs), at: settings.range)
        case ("cross_entropy", .classes):
            let sets = [data.training] + (data.validation.map { [$0] } ?? [])
            for set in sets {
                if let classes = set.classCount, classes > outputs {
                    throw .error(.labelBeyondOutputs(classIndex: classes - 1, outputs: outputs), at: settings.range)
                }
            }
            guard outputShape.count == 1 else {
                throw .error(.crossEntropyOutputShape(ShapeText.text(outputShape)), at: settings.range)
            }
            return .crossEntropy(classes: outputs)
        case ("cross_entropy", .values):
            throw .error(.crossEntropyNeedsLabels, at: settings.range)
        case ("mse", .values(_, let width)):
            guard width == outputs else {
                throw .error(.mseTargetWidth(width: width, outputs: outputs), at: settings.range)
            }
            return .mse
        case ("mse", .classes):
            guard outputs == 1 else {
                throw .error(.mseNeedsFloatTargets(outputs: outputs), at: settings.range)
            }
            return .mse
        default:
            throw .error(.unknownLoss(name), at: settings.range)
        }
    }

    /// The batch's mean loss (and its gradient into `gradient`); a bad label is an error at
    /// `range`, the `train` statement that runs the batch.
    func evaluate<Rows: Collection<Int>>(output: Tensor, targets: Tensor?, rows: Rows, data: Dataset, gradient: Tensor?,
                                         at range: SourceRange) throws(Diagnostic) -> Double {
        switch self {
        case .crossEntropy:
            guard let batchLabels = Self.labels(of: data, rows: rows) else { return .nan }
            do {
                return Double(try Losses.crossEntropy(logits: output, labels: batchLabels, gradient: gradient))
            } catch {
                // The runtime counts samples within the batch; the data file counts from its start.
                let sample = rows.dropFirst(error.sample).first ?? error.sample
                throw .error(.targetOutOfRange(label: error.label, classes: error.classes, sample: sample,
                                               position: error.position), at: range)
            }
        case .mse:
            if let targets { return Double(Losses.mse(output: output, target: targets, gradient: gradient)) }
            guard case .classes(let labels) = data.targets else { return .nan }
            let t = Tensor(shape: [rows.count, 1], values: rows.map { Float(labels[$0]) })
            return Double(Losses.mse(output: output, target: t, gradient: gradient))
        }
    }

    /// Whether the outputs are class scores, so accuracy is defined.
    var isClassifier: Bool {
        if case .crossEntropy = self { return true }
        return false
    }

    /// Correct predictions in the batch: samples, or positions of sequence targets.
    func correct<Rows: Collection<Int>>(output: Tensor, rows: Rows, data: Dataset) -> Int {
        guard case .crossEntropy = self, let labels = Self.labels(of: data, rows: rows) else { return 0 }
        return Losses.correctCount(logits: output, labels: labels)
    }

    /// The class indices of the batch's samples, row-major (B*T of them for sequence
    /// targets), or nil for float targets.
    static func labels<Rows: Collection<Int>>(of data: Dataset, rows: Rows) -> [Int]? {
        switch data.targets {
        case .classes(let labels): return rows.map { Int(labels[$0]) }
        case let .positionClasses(labels, positions):
            var batch: [Int] = []
            batch.reserveCapacity(rows.count * positions)
            for row in rows { batch.append(contentsOf: labels[row * positions ..< (row + 1) * positions].lazy.map { Int($0) }) }
            return batch
        case .values: return nil
        }
    }
}
