import Foundation
import LRSRuntime

/// Adamax (Adam under the infinity norm), as torch's `_single_tensor_adamax`.
/// State: `step`, `exp_avg`, `exp_inf`.
enum AdamaxUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expInf = Tensor(zeros: value.shape)
        return state
    }

    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        state.step += 1
        let step = Double(state.step)
        let sign: Float = config.maximize ? -1 : 1
        let decay = Float(config.weightDecay), hasDecay = config.weightDecay != 0
        let weight1 = Float(1 - config.beta1), beta2 = Float(config.beta2), eps = Float(config.eps)
        let negativeRate = Float(-(config.learningRate / (1 - pow(config.beta1, step))))
        let expAvg = state.expAvg ?? Tensor(zeros: value.shape)
        let expInf = state.expInf ?? Tensor(zeros: value.shape)
        state.expAvg = expAvg
        state.expInf = expInf
        let p = value.data, gradient = UnsafePointer(grad.data), m = expAvg.data, u = expInf.data
        // g = ±grad + λ p
        // m = lerp(m, g, 1 - β1)
        // u = max(β2 u, |g| + ε)
        // p = p - lr / (1 - β1^t) · m / u
        return StepKernel(count: value.count) { range in
            for i in range {
                let pi = p[i]
                var g = sign * gradient[i]
                if hasDecay { g = fused(decay, pi, g) }
                let mi = lerp(m[i], g, weight: weight1)
                m[i] = mi
                let decayed = u[i] * beta2, bound = g.magnitude + eps
                // torch.maximum propagates NaN from either side.
                let ui = decayed.isNaN || decayed > bound ? decayed : bound
                u[i] = ui
                p[i] = pi + negativeRate * mi / ui
            }
        }
    }
}
