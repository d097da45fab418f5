import CRuntimeKernels
import Foundation

/// A class label outside 0..<classes.
public struct LabelError: Error, Equatable, CustomStringConvertible {
    /// Position of the sample in the batch.
    public let sample: Int
    /// The offending label.
    public let label: Int
    /// Number of classes (the logits' width).
    public let classes: Int
    /// For per-position targets ([B, T] against logits [B, T, V]), the position in the sample.
    public var position: Int? = nil

    public var description: String {
        let at = position.map { ", position \($0)" } ?? ""
        return "target \(label) is out of bounds for \(classes) classes (sample \(sample)\(at))"
    }
}

/// The training losses, mean-reduced as PyTorch's defaults, each with its gradient.
public enum Losses {
    /// `F.cross_entropy(logits, labels)`: mean over the batch of -log_softmax(logits)[label],
    /// with a numerically stable log-softmax. Writes d(loss)/d(logits) = (softmax - onehot) / N
    /// into `gradient` when given. Labels come from data files, so a bad one is an error.
    ///
    /// Logits [B, T, V] (any number of dimensions before the classes) take one label per
    /// position, row-major ([B, T] flattened): the mean over all N = B*T positions, as
    /// `F.cross_entropy(logits.reshape(-1, V), y.reshape(-1))`.
    public static func crossEntropy(logits: Tensor, labels: [Int], gradient: Tensor?) throws(LabelError) -> Float {
        precondition(logits.shape.count >= 2 && logits.count == labels.count * (logits.shape.last ?? 0),
                     "crossEntropy: logits of shape \(logits.shape) for \(labels.count) labels")
        let batch = labels.count, classes = logits.shape[logits.shape.count - 1]
        if let gradient {
            precondition(gradient.shape == logits.shape, "crossEntropy: gradient of shape \(gradient.shape), logits \(logits.shape)")
        }
        let positions = logits.shape.count > 2 ? logits.shape.dropFirst().dropLast().reduce(1, *) : 0
        for (row, label) in labels.enumerated() where label < 0 || label >= classes {
            guard positions > 0 else { throw LabelError(sample: row, label: label, classes: classes) }
            throw LabelError(sample: row / positions, label: label, classes: classes, position: row % positions)
        }
        let scale = 1 / Float(batch)
        // Rows split across the cores ([B*T, V] logits are large); each row's loss is kept and
        // summed in row order afterwards, so the result does not depend on the split.
        var rowLosses = [Double](repeating: 0, count: batch)
        rowLosses.withUnsafeMutableBufferPointer { losses in
            labels.withUnsafeBufferPointer { labelBuffer in
                let p = UncheckedSendable((z: logits.data, g: gradient?.data, losses: losses, labels: labelBuffer))
                ParallelFor.run(count: batch, workPerItem: 8 * classes) { _, range in
                    for row in range {
                        // log_softmax(z)_j = z_j - max - log(sum_k exp(z_k - max));
                        // d/dz_j = (softmax_j - [j == label]) / B
                        let label = p.value.labels[row]
                        p.value.losses[row] = Double(lrs_cross_entropy_row(p.value.z + row * classes, classes, label, scale,
                                                                           p.value.g.map { $0 + row * classes }))
                    }
                }
            }
        }
        var total = 0.0
        for loss in rowLosses { total -= loss }
        return Float(total / Double(batch))
    }

    /// `F.mse_loss(output, target)`: mean over all elements of (output - target)^2. Writes
    /// d(loss)/d(output) = 2 (output - target) / N into `gradient` when given.
    public static func mse(output: Tensor, target: Tensor, gradient: Tensor?) -> Float {
        precondition(output.shape == target.shape, "mse: output of shape \(output.shape), target \(target.shape)")
        if let gradient {
            precondition(gradient.shape == output.shape, "mse: gradient of shape \(gradient.shape), output \(output.shape)")
        }
        let n = output.count
        var total = 0.0
        let scale = 2 / Float(n)
        for i in 0..<n {
            let d = output.data[i] - target.data[i]
            total += Double(d * d)
            gradient?.data[i] = d * scale
        }
        return Float(total / Double(n))
    }

    /// How many rows of `logits` have their largest entry (the first, on ties) at the label
    /// (rows: every position of [B, T, V] logits).
    public static func correctCount(logits: Tensor, labels: [Int]) -> Int {
        precondition(logits.shape.count >= 2 && logits.count == labels.count * (logits.shape.last ?? 0),
                     "correctCount: logits of shape \(logits.shape) for \(labels.count) labels")
        let classes = logits.shape[logits.shape.count - 1]
        var correct = 0
        for (row, label) in labels.enumerated() {
            let z = logits.data + row * classes
            var best = 0
            for j in 1..<Swift.max(classes, 1) where z[j] > z[best] { best = j }
            if best == label { correct += 1 }
        }
        return correct
    }
}
