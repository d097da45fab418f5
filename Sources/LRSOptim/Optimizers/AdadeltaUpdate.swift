import COptimKernels
import LRSRuntime

/// Adadelta, as torch's `_single_tensor_adadelta`. State: `step`, `square_avg`, `acc_delta`.
/// The loop, with its formula, is `lrs_adadelta` (Sources/COptimKernels/adadelta.c).
struct AdadeltaUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_adadelta_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.squareAvg = Tensor(zeros: value.shape)
        state.accDelta = Tensor(zeros: value.shape)
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let squareAvg = state.squareAvg.orZeros(value.shape)
        let accDelta = state.accDelta.orZeros(value.shape)
        count = value.count
        args = lrs_adadelta_args(
            p: value.data, g: grad.data, s: squareAvg.data, u: accDelta.data,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), rho: Float(config.rho),
            weight: Float(1 - config.rho), eps: Float(config.eps), negative_rate: Float(-config.learningRate),
            has_decay: config.weightDecay != 0)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_adadelta($0, range.lowerBound, range.upperBound) }
    }
}
