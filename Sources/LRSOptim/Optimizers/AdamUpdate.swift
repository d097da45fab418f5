import COptimKernels
import Foundation
import LRSRuntime

/// Adam and AdamW (decoupled weight decay), with amsgrad, as torch's `_single_tensor_adam`.
/// State: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
/// The loop, with its formula, is `lrs_adam` (Sources/COptimKernels/adam.c).
struct AdamUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_adam_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState.adamMoments(value.shape)
        if config.amsgrad { state.maxExpAvgSq = Tensor(zeros: value.shape) }
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate
        let expAvg = state.expAvg.orZeros(value.shape)
        let expAvgSq = state.expAvgSq.orZeros(value.shape)
        var maxSq: UnsafeMutablePointer<Float>?
        if config.amsgrad {
            let tensor = state.maxExpAvgSq.orZeros(value.shape)
            maxSq = tensor.data
        }
        count = value.count
        let decoupled = config.decouplesWeightDecay
        // Scalars in double as torch computes them in Python floats, then rounded to float32.
        args = lrs_adam_args(
            p: value.data, g: grad.data, m: expAvg.data, v: expAvgSq.data, v_max: maxSq,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay),
            shrink: Float(1 - lr * config.weightDecay), weight1: Float(1 - config.beta1), beta2: Float(config.beta2),
            weight2: Float(1 - config.beta2), negative_step_size: Float(-(lr / (1 - pow(config.beta1, step)))),
            correction2_root: Float(pow(1 - pow(config.beta2, step), 0.5)), eps: Float(config.eps),
            has_decay: config.weightDecay != 0 && !decoupled, has_decoupled_decay: config.weightDecay != 0 && decoupled,
            amsgrad: config.amsgrad)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_adam($0, range.lowerBound, range.upperBound) }
    }
}
