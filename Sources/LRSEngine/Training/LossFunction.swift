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
        case ("cross_entropy", .classes):
            let sets = [data.training] + (data.validation.map { [$0] } ?? [])
            for set in sets {
                if let classes = set.classCount, classes > outputs {
                    throw .error(.trainingFailed("class index \(classes - 1) in the data, but the model has \(outputs) outputs (cross_entropy needs one per class)"), at: settings.range)
                }
            }
            guard outputShape.count == 1 else {
                throw .error(.trainingFailed("cross_entropy needs the model's output to be BATCHxCLASSES, it is BATCHx\(ShapeText.text(outputShape))"), at: settings.range)
            }
            return .crossEntropy(classes: outputs)
        case ("cross_entropy", .values):
            throw .error(.trainingFailed("cross_entropy needs integer class labels; the targets are floats (use loss mse)"), at: settings.range)
        case ("mse", .values(_, let width)):
            guard width == outputs else {
                throw .error(.trainingFailed("mse targets have \(width) values per sample, the model has \(outputs) outputs"), at: settings.range)
            }
            return .mse
        case ("mse", .classes):
            guard outputs == 1 else {
                throw .error(.trainingFailed("mse needs float targets of the output's size (\(outputs)); the data has class labels (use loss cross_entropy)"), at: settings.range)
            }
            return .mse
        default:
            throw .error(.trainingFailed("unknown loss '\(name)'"), at: settings.range)
        }
    }

    func evaluate<Rows: Collection<Int>>(output: Tensor, targets: Tensor?, rows: Rows, data: Dataset, gradient: Tensor?) throws(Diagnostic) -> Double {
        switch self {
        case .crossEntropy:
            guard case .classes(let labels) = data.targets else { return .nan }
            let batchLabels = rows.map { Int(labels[$0]) }
            do {
                return Double(try Losses.crossEntropy(logits: output, labels: batchLabels, gradient: gradient))
            } catch {
                throw .error(.trainingFailed(error.description), at: nil)
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

    func correct<Rows: Collection<Int>>(output: Tensor, rows: Rows, data: Dataset) -> Int {
        guard case .crossEntropy = self, case .classes(let labels) = data.targets else { return 0 }
        return Losses.correctCount(logits: output, labels: rows.map { Int(labels[$0]) })
    }
}
