import LRSRuntime

/// One parameter's update for the current step, with every per-step scalar bound.
///
/// `init` is the serial prologue of a step: it creates state lazily, counts the step and
/// computes bias corrections in double precision, as PyTorch computes them in Python floats.
/// `run` applies the update rule to some of the parameter's elements: the one pass over
/// memory, shared between cores by `ParallelRanges`. Conforming types hold raw pointers and
/// floats only, so a step over many small tensors allocates and retains nothing per tensor.
protocol ParameterUpdate {
    /// Prepares the step of one parameter whose gradient is `grad`.
    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor)
    /// Elements of the parameter.
    var count: Int { get }
    /// Applies the update to the elements in the range; disjoint ranges may run concurrently.
    func run(_ range: Range<Int>)
}

/// Torch's `lerp(start, end, weight)` for a weight in float32, in the two forms torch picks
/// between to stay accurate near both ends.
///
/// start + w (end - start) when |w| < 0.5, else end + (w - 1)(end - start), each one
/// fused multiply-add.
@inline(__always)
func lerp(_ start: Float, _ end: Float, weight: Float) -> Float {
    weight.magnitude < 0.5 ? fused(weight, end - start, start) : fused(weight - 1, end - start, end)
}

/// √x, NaN for x < 0, as torch's `sqrt` in float32.
///
/// Spelled through `magnitude` because Swift on Linux lowers a plain `squareRoot()` to libm's
/// `sqrtf`, whose errno path keeps loops from vectorising; the square root of a value known
/// not to be negative becomes the vector instruction.
@inline(__always)
func squareRoot(_ x: Float) -> Float {
    x < 0 ? .nan : x.magnitude.squareRoot()
}

/// a b + c where torch's vectorised kernels use a fused multiply-add (`add(x, y, alpha)`,
/// `lerp`, `addcmul`).
///
/// Built with `-DLRS_EXACT_FMA` and an FMA-capable target (`-target-cpu x86-64-v3`) this
/// rounds once, as torch does, and results match torch bit for bit. The portable build has
/// no FMA instruction: `addingProduct` would become a libm call per element and a
/// double-precision emulation halves the speed, so it rounds the product and the sum
/// separately, within a few float32 ulps of torch.
@inline(__always)
func fused(_ a: Float, _ b: Float, _ c: Float) -> Float {
    #if LRS_EXACT_FMA
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}
