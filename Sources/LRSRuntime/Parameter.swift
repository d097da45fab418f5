/// A trainable tensor with its gradient, shared by the model, the optimizer that updates
/// `value` in place from `grad`, and the checkpoint writer.
public final class Parameter {
    /// The current values.
    public let value: Tensor
    /// d(loss)/d(value), accumulated by `Sequential.backward` and cleared by `zeroGrad()`.
    public let grad: Tensor
    /// False for frozen parameters: backward computes no gradient for them.
    public var requiresGrad: Bool

    /// A parameter of the given shape, zero-filled, with a zero gradient.
    public init(shape: [Int], requiresGrad: Bool = true) {
        self.value = Tensor(zeros: shape)
        self.grad = Tensor(zeros: shape)
        self.requiresGrad = requiresGrad
    }

    /// The shape of `value` and `grad`.
    public var shape: [Int] { value.shape }
}

/// A 64-bit counter kept in the state_dict beside the tensors (BatchNorm's
/// `num_batches_tracked`, stored as I64 in files).
public final class Counter {
    /// The count.
    public var value: Int64
    /// A counter starting at `value`.
    public init(_ value: Int64 = 0) { self.value = value }
}

/// One entry of a model's state_dict.
public enum StateEntry {
    /// A parameter (`weight`, `bias`).
    case parameter(Parameter)
    /// A float buffer (`running_mean`, `running_var`).
    case tensor(Tensor)
    /// An integer buffer (`num_batches_tracked`).
    case counter(Counter)
}
