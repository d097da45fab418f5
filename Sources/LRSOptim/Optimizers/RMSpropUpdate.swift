import COptimKernels
import LRSRuntime

/// RMSprop with momentum and the centered variant, as torch's `_single_tensor_rmsprop`.
/// State: `step`, `square_avg`, `momentum_buffer` when momentum > 0, `grad_avg` when centered.
/// The loop, with its formula, is `lrs_rmsprop` (Sources/COptimKernels/rmsprop.c).
struct RMSpropUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_rmsprop_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.squareAvg = Tensor(zeros: value.shape)
        if config.momentum > 0 { state.momentumBuffer = Tensor(zeros: value.shape) }
        if config.centered { state.gradAvg = Tensor(zeros: value.shape) }
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let centered = config.centered, hasMomentum = config.momentum > 0
        let squareAvg = state.squareAvg.orZeros(value.shape)
        var gradAvg: UnsafeMutablePointer<Float>?
        if centered {
            let tensor = state.gradAvg.orZeros(value.shape)
            gradAvg = tensor.data
        }
        var buffer: UnsafeMutablePointer<Float>?
        if hasMomentum {
            let tensor = state.momentumBuffer.orZeros(value.shape)
            buffer = tensor.data
        }
        count = value.count
        args = lrs_rmsprop_args(
            p: value.data, g: grad.data, s: squareAvg.data, a: gradAvg, b: buffer,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), alpha: Float(config.alpha),
            weight: Float(1 - config.alpha), eps: Float(config.eps), momentum: Float(config.momentum),
            negative_rate: Float(-config.learningRate),
            has_decay: config.weightDecay != 0, centered: centered, has_momentum: hasMomentum)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_rmsprop($0, range.lowerBound, range.upperBound) }
    }
}
