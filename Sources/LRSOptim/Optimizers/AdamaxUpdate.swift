import Foundation
import LRSRuntime

/// Adamax (Adam under the infinity norm), as torch's `_single_tensor_adamax`.
/// State: `step`, `exp_avg`, `exp_inf`.
struct AdamaxUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, weight1: Float, beta2: Float, eps: Float, negativeRate: Float

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expInf = Tensor(zeros: value.shape)
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let expAvg = state.expAvg ?? Tensor(zeros: value.shape)
        let expInf = state.expInf ?? Tensor(zeros: value.shape)
        state.expAvg = expAvg
        state.expInf = expInf
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        m = expAvg.data
        u = expInf.data
        sign = config.maximize ? -1 : 1
        hasDecay = config.weightDecay != 0
        decay = Float(config.weightDecay)
        weight1 = Float(1 - config.beta1)
        beta2 = Float(config.beta2)
        eps = Float(config.eps)
        negativeRate = Float(-(config.learningRate / (1 - pow(config.beta1, step))))
    }

    // g = ±grad + λ p
    // m = lerp(m, g, 1 - β1)
    // u = max(β2 u, |g| + ε)
    // p = p - lr / (1 - β1^t) · m / u
    func run(_ range: Range<Int>) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, m = m, u = u, sign = sign, hasDecay = hasDecay, decay = decay
        let weight1 = weight1, beta2 = beta2, eps = eps, negativeRate = negativeRate
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
