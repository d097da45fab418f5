import LRSRuntime

/// A trainable tensor as the optimizer sees it: its value, updated in place, and the
/// gradient of the latest backward pass.
///
/// A parameter whose `grad` is nil is skipped by `step()` and gets no state, as PyTorch
/// skips a parameter whose `.grad` is None.
public struct OptimizerParameter {
    /// The value, updated in place.
    public let value: Tensor
    /// The gradient, same element count as `value`; nil before the first backward.
    public var grad: Tensor?

    /// A parameter with its gradient tensor.
    public init(value: Tensor, grad: Tensor?) {
        self.value = value
        self.grad = grad
    }
}

/// One parameter group: its hyperparameters and its parameters, in PyTorch's order.
public struct ParamGroup {
    /// The group's hyperparameters; `learningRate`, `momentum` and `beta1` may change
    /// between steps.
    public var config: ParamGroupConfig
    /// The group's parameters. Frozen parameters are not listed.
    public var parameters: [OptimizerParameter]

    /// A group with its configuration and parameters.
    public init(config: ParamGroupConfig, parameters: [OptimizerParameter]) {
        self.config = config
        self.parameters = parameters
    }
}
