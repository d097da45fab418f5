import COptimKernels
import Foundation
import LRSRuntime

/// Adamax (Adam under the infinity norm), as torch's `_single_tensor_adamax`.
/// State: `step`, `exp_avg`, `exp_inf`.
/// The loop, with its formula, is `lrs_adamax` (Sources/COptimKernels/adamax.c).
struct AdamaxUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_adamax_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expInf = Tensor(zeros: value.shape)
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let expAvg = state.expAvg.orZeros(value.shape)
        let expInf = state.expInf.orZeros(value.shape)
        count = value.count
        args = lrs_adamax_args(
            p: value.data, g: grad.data, m: expAvg.data, u: expInf.data,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), weight1: Float(1 - config.beta1),
            beta2: Float(config.beta2), eps: Float(config.eps),
            negative_rate: Float(-(config.learningRate / (1 - pow(config.beta1, step)))),
            has_decay: config.weightDecay != 0)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_adamax($0, range.lowerBound, range.upperBound) }
    }
}
