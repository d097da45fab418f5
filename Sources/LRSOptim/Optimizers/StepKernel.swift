/// One parameter's update for the current step, with every per-step scalar already bound:
/// `update(range)` applies the update rule to those elements of the parameter and its state.
///
/// Building a kernel is the serial prologue of a step (lazy state, step counts, bias
/// corrections in double precision, as PyTorch computes them in Python floats); running
/// kernels is the one pass over memory, shared between cores by `ParallelRanges`.
struct StepKernel {
    /// Elements of the parameter.
    let count: Int
    /// Applies the update to the elements in the range; disjoint ranges may run concurrently.
    let update: (Range<Int>) -> Void
}

/// Torch's `lerp(start, end, weight)` for a weight in float32, in the two forms torch picks
/// between to stay accurate near both ends.
///
/// start + w (end - start) when |w| < 0.5, else end - (end - start)(1 - w).
@inline(__always)
func lerp(_ start: Float, _ end: Float, weight: Float) -> Float {
    weight.magnitude < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
}
