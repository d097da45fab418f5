import COptimKernels
import LRSRuntime

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
/// as torch's `_single_tensor_sgd`. State: `momentum_buffer`, only when momentum is non-zero.
/// The loop, with its formula, is `lrs_sgd` (Sources/COptimKernels/sgd.c).
struct SGDUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_sgd_args

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        count = value.count
        let hasMomentum = config.momentum != 0
        let isFirstStep = state.momentumBuffer == nil
        var buffer: UnsafeMutablePointer<Float>?
        if hasMomentum {
            let tensor = state.momentumBuffer.orZeros(value.shape)
            buffer = tensor.data
        }
        args = lrs_sgd_args(
            p: value.data, g: grad.data, b: buffer,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), momentum: Float(config.momentum),
            keep: Float(1 - config.dampening), negative_rate: Float(-config.learningRate),
            has_decay: config.weightDecay != 0, has_momentum: hasMomentum, first_step: isFirstStep,
            nesterov: config.nesterov)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_sgd($0, range.lowerBound, range.upperBound) }
    }
}
