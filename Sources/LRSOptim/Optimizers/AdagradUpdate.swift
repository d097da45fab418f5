import COptimKernels
import LRSRuntime

/// Adagrad with learning-rate decay and an initial accumulator value, as torch's
/// `_single_tensor_adagrad`. State: `step`, `sum` (created with the optimizer).
/// The loop, with its formula, is `lrs_adagrad` (Sources/COptimKernels/adagrad.c).
struct AdagradUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_adagrad_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        let sum = Tensor(zeros: value.shape)
        sum.fill(Float(config.initialAccumulatorValue))
        state.sum = sum
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let sum = state.sum ?? Self.makeState(config, value).sum ?? Tensor(zeros: value.shape)
        state.sum = sum
        count = value.count
        args = lrs_adagrad_args(
            p: value.data, g: grad.data, s: sum.data,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), eps: Float(config.eps),
            negative_rate: Float(-(config.learningRate / (1 + (step - 1) * config.lrDecay))),
            has_decay: config.weightDecay != 0)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_adagrad($0, range.lowerBound, range.upperBound) }
    }
}
