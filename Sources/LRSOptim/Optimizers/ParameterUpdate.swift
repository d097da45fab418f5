import LRSRuntime

/// One parameter's update for the current step, with every per-step scalar bound.
///
/// `init` is the serial prologue of a step: it creates state lazily, counts the step and
/// computes bias corrections in double precision, as PyTorch computes them in Python floats.
/// `run` applies the update rule to some of the parameter's elements: the one pass over
/// memory, shared between cores by `ParallelRanges`, written in C (Sources/COptimKernels) so
/// that it runs with the widest vectors the CPU has. Conforming types hold raw pointers and
/// floats only, so a step over many small tensors allocates and retains nothing per tensor.
protocol ParameterUpdate {
    /// Prepares the step of one parameter whose gradient is `grad`.
    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor)
    /// Elements of the parameter.
    var count: Int { get }
    /// Applies the update to the elements in the range; disjoint ranges may run concurrently.
    func run(_ range: Range<Int>)
}
