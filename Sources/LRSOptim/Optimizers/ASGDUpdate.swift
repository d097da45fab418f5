import COptimKernels
import Foundation
import LRSRuntime

/// Averaged SGD, as torch's `_single_tensor_asgd`:
///
///     g = ±grad + λ p
///     p = p (1 - lambd η) - η g
///     ax = ax + μ (p - ax)  when μ ≠ 1, else ax = p
///     η = lr / (1 + lambd lr t)^alpha;  μ = 1 / max(1, t - t0)
///
/// η and μ are the state's float32 values from the previous step (η starts at the group's
/// rate at the first step, μ at 1); the new ones use the group's current rate.
/// State: `step`, `eta`, `mu`, `ax`. The loop is `lrs_asgd` (Sources/COptimKernels/asgd.c).
struct ASGDUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_asgd_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.eta = Float(config.learningRate)
        state.mu = 1
        state.ax = Tensor(zeros: value.shape)
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let eta = Double(state.eta), lr = config.learningRate, lambd = config.lambd
        let ax = state.ax.orZeros(value.shape)
        count = value.count
        args = lrs_asgd_args(
            p: value.data, g: grad.data, ax: ax.data,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), shrink: Float(1 - lambd * eta),
            negative_eta: Float(-eta), mu: state.mu,
            has_decay: config.weightDecay != 0, averaging: state.mu != 1)
        // The next step's rate and averaging weight, rounded to float32 as torch stores them.
        state.eta = Float(lr / pow(1 + lambd * lr * step, config.alpha))
        state.mu = Float(1 / max(1, step - config.t0))
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_asgd($0, range.lowerBound, range.upperBound) }
    }
}
