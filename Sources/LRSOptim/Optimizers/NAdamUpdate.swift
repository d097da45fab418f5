import Foundation
import LRSRuntime

/// NAdam (Adam with Nesterov momentum and a momentum schedule), with decoupled weight decay,
/// as torch's `_single_tensor_nadam`. State: `step`, `mu_product`, `exp_avg`, `exp_avg_sq`.
struct NAdamUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, hasDecoupledDecay: Bool, shrink: Float
    let weight1: Float, beta2: Float, weight2: Float, correction2: Float, eps: Float
    let gradFactor: Float, momentFactor: Float

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expAvgSq = Tensor(zeros: value.shape)
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate, beta1 = config.beta1, beta2 = config.beta2
        // μ_t = β1 (1 - ½ · 0.96^(t ψ)), the product kept in float32 as torch keeps it.
        let mu = beta1 * (1.0 - 0.5 * pow(0.96, step * config.momentumDecay))
        let muNext = beta1 * (1.0 - 0.5 * pow(0.96, (step + 1) * config.momentumDecay))
        state.muProduct = state.muProduct * Float(mu)
        let muProduct = Double(state.muProduct)
        let muProductNext = muProduct * muNext
        correction2 = Float(1 - pow(beta2, step))
        gradFactor = Float(-lr * (1.0 - mu) / (1.0 - muProduct))
        momentFactor = Float((-lr * muNext) / (1.0 - muProductNext))
        sign = config.maximize ? -1 : 1
        hasDecay = config.weightDecay != 0 && !config.decoupledWeightDecay
        hasDecoupledDecay = config.weightDecay != 0 && config.decoupledWeightDecay
        decay = Float(config.weightDecay)
        shrink = Float(1 - lr * config.weightDecay)
        weight1 = Float(1 - beta1)
        self.beta2 = Float(beta2)
        weight2 = Float(1 - beta2)
        eps = Float(config.eps)
        let expAvg = state.expAvg ?? Tensor(zeros: value.shape)
        let expAvgSq = state.expAvgSq ?? Tensor(zeros: value.shape)
        state.expAvg = expAvg
        state.expAvgSq = expAvgSq
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        m = expAvg.data
        v = expAvgSq.data
    }

    // p = p (1 - lr λ)                  decoupled
    // g = ±grad + λ p                   otherwise
    // m = lerp(m, g, 1 - β1);  v = β2 v + (1 - β2) g g
    // d = √(v / (1 - β2^t)) + ε
    // p = p - lr (1 - μ_t) / (1 - Πμ_t) · g / d - lr μ_{t+1} / (1 - Πμ_{t+1}) · m / d
    func run(_ range: Range<Int>) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, m = m, v = v, sign = sign, hasDecay = hasDecay, decay = decay
        let hasDecoupledDecay = hasDecoupledDecay, shrink = shrink, weight1 = weight1, beta2 = beta2
        let weight2 = weight2, correction2 = correction2, eps = eps
        let gradFactor = gradFactor, momentFactor = momentFactor
        for i in range {
            var pi = p[i], g = sign * gradient[i]
            if hasDecoupledDecay { pi = pi * shrink }
            if hasDecay { g = fused(decay, pi, g) }
            let mi = lerp(m[i], g, weight: weight1)
            let vi = fused(weight2 * g, g, v[i] * beta2)
            m[i] = mi
            v[i] = vi
            let d = squareRoot(vi / correction2) + eps
            pi = pi + gradFactor * g / d
            p[i] = pi + momentFactor * mi / d
        }
    }
}
