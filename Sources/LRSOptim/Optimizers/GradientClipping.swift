import COptimKernels
import LRSRuntime

/// `torch.nn.utils.clip_grad_norm_(parameters, max_norm)` in PyTorch 2.13's arithmetic: each
/// gradient's 2-norm in float32, the total norm as the 2-norm of those, the coefficient
/// `max_norm / (total + 1e-6)` (torch computes it as a reciprocal times `max_norm`) clamped
/// to 1, and every gradient multiplied by it.
///
/// The norms take one read of the gradients; the multiplication is skipped when the
/// coefficient is 1 (multiplying by 1 changes no float), so a step whose gradients are
/// within the bound pays only that read.
public enum GradientClipping {
    /// Clips `gradients` in place; returns the total norm before clipping.
    @discardableResult
    public static func clip(_ gradients: [Tensor], maxNorm: Double) -> Float {
        var sum = 0.0
        for norm in norms(gradients) { sum += Double(norm) * Double(norm) }
        let total = Float(sum.squareRoot())
        let coefficient = Swift.min((1 / (total + Float(1e-6))) * Float(maxNorm), 1)
        guard coefficient < 1 else { return total }
        forEachPart(gradients) { data, range in lrs_scale(data, coefficient, range.lowerBound, range.upperBound) }
        return total
    }

    /// Each gradient's 2-norm in float32 (torch's `_foreach_norm`).
    static func norms(_ gradients: [Tensor]) -> [Float] {
        var squares = [Double](repeating: 0, count: gradients.count)
        squares.withUnsafeMutableBufferPointer { slots in
            let slot = slots.baseAddress!
            // Small tensors, one slot each, shared across the cores as they come; a large
            // one is split below.
            ParallelFor.run(count: gradients.count, workPerItem: averageCount(gradients)) { _, range in
                for i in range where gradients[i].count < largeTensor {
                    slot[i] = lrs_sum_squares(gradients[i].data, 0, gradients[i].count)
                }
            }
            for i in gradients.indices where gradients[i].count >= largeTensor { slot[i] = sumOfSquares(gradients[i]) }
        }
        return squares.map { Float($0.squareRoot()) }
    }

    /// Calls `body` over every gradient's elements, a large tensor split across the cores,
    /// small ones shared out whole.
    static func forEachPart(_ gradients: [Tensor], _ body: (UnsafeMutablePointer<Float>, Range<Int>) -> Void) {
        ParallelFor.run(count: gradients.count, workPerItem: averageCount(gradients)) { _, range in
            for i in range where gradients[i].count < largeTensor { body(gradients[i].data, 0..<gradients[i].count) }
        }
        for gradient in gradients where gradient.count >= largeTensor {
            let data = gradient.data
            ParallelFor.run(count: gradient.count) { _, range in body(data, range) }
        }
    }

    /// Tensors from this many elements are split across the cores on their own.
    static let largeTensor = 1 << 18

    private static func averageCount(_ tensors: [Tensor]) -> Int {
        tensors.isEmpty ? 1 : Swift.max(1, tensors.reduce(0) { $0 + $1.count } / tensors.count)
    }

    /// The sum of the squares of a tensor's elements, in double, split across the cores for
    /// a large tensor (each chunk's partial sum in its own slot).
    static func sumOfSquares(_ tensor: Tensor) -> Double {
        let data = tensor.data
        var partial = (0.0, 0.0)
        withUnsafeMutablePointer(to: &partial) { slots in
            slots.withMemoryRebound(to: Double.self, capacity: 2) { slot in
                ParallelFor.run(count: tensor.count) { chunk, range in
                    slot[Swift.min(chunk, 1)] += lrs_sum_squares(data, range.lowerBound, range.upperBound)
                }
            }
        }
        return partial.0 + partial.1
    }
}
