import COptimKernels
import LRSRuntime

/// Rprop (resilient backpropagation), as torch's `_single_tensor_rprop`:
///
///     g = ±grad
///     s = etas[1] where g prev > 0, etas[0] where g prev < 0, 1 elsewhere
///     step_size = clamp(step_size s, step_sizes[0], step_sizes[1])
///     g = 0 where s = etas[0]
///     p = p - sign(g) step_size;  prev = g
///
/// Each element's step size starts at the group's rate at the parameter's first step; the
/// rate is not read again. State: `step`, `prev`, `step_size`.
/// The loop is `lrs_rprop` (Sources/COptimKernels/rprop.c).
struct RpropUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_rprop_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.prev = Tensor(zeros: value.shape)
        let stepSize = Tensor(zeros: value.shape)
        stepSize.fill(Float(config.learningRate))
        state.stepSize = stepSize
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let prev = state.prev.orZeros(value.shape)
        let stepSize = state.stepSize ?? {
            let fresh = Tensor(zeros: value.shape)
            fresh.fill(Float(config.learningRate))
            return fresh
        }()
        state.stepSize = stepSize
        count = value.count
        args = lrs_rprop_args(
            p: value.data, g: grad.data, prev: prev.data, step_size: stepSize.data,
            sign: config.maximize ? -1 : 1, eta_minus: Float(config.etaMinus), eta_plus: Float(config.etaPlus),
            step_min: Float(config.stepSizeMin), step_max: Float(config.stepSizeMax))
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_rprop($0, range.lowerBound, range.upperBound) }
    }
}
