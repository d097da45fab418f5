import Foundation
import LRSRuntime

/// RAdam (Adam with a rectified adaptive rate), with decoupled weight decay, as torch's
/// `_single_tensor_radam`. State: `step`, `exp_avg`, `exp_avg_sq`.
struct RAdamUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, hasDecoupledDecay: Bool, shrink: Float
    let weight1: Float, beta2: Float, weight2: Float, eps: Float
    let correction1: Float, learningRate: Float, correction2Root: Float, rectifier: Float, rectified: Bool

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
        let correction2 = 1 - pow(beta2, step)
        // ρ∞ = 2 / (1 - β2) - 1;  ρ_t = ρ∞ - 2 t β2^t / (1 - β2^t)
        let rhoInfinity = 2 / (1 - beta2) - 1
        let rhoT = rhoInfinity - 2 * step * pow(beta2, step) / correction2
        // r_t = √((ρ_t - 4)(ρ_t - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρ_t)), used once ρ_t > 5.
        rectified = rhoT > 5.0
        rectifier = rectified
            ? Float(pow((rhoT - 4) * (rhoT - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rhoT), 0.5))
            : 1
        correction1 = Float(1 - pow(beta1, step))
        learningRate = Float(lr)
        correction2Root = Float(pow(correction2, 0.5))
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

    func run(_ range: Range<Int>) {
        if rectified { update(range, rectified: true) } else { update(range, rectified: false) }
    }

    // p = p (1 - lr λ)                  decoupled
    // g = ±grad + λ p                   otherwise
    // m = lerp(m, g, 1 - β1);  v = β2 v + (1 - β2) g g
    // p = p - m / (1 - β1^t) · lr · √(1 - β2^t) / (√v + ε) · r_t    when ρ_t > 5
    // p = p - m / (1 - β1^t) · lr                                   otherwise
    @inline(__always)
    private func update(_ range: Range<Int>, rectified: Bool) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, m = m, v = v, sign = sign, hasDecay = hasDecay, decay = decay
        let hasDecoupledDecay = hasDecoupledDecay, shrink = shrink, weight1 = weight1, beta2 = beta2
        let weight2 = weight2, eps = eps, correction1 = correction1, learningRate = learningRate
        let correction2Root = correction2Root, rectifier = rectifier
        for i in range {
            var pi = p[i], g = sign * gradient[i]
            if hasDecoupledDecay { pi = pi * shrink }
            if hasDecay { g = fused(decay, pi, g) }
            let mi = lerp(m[i], g, weight: weight1)
            let vi = fused(weight2 * g, g, v[i] * beta2)
            m[i] = mi
            v[i] = vi
            var update = mi / correction1 * learningRate
            if rectified {
                // torch evaluates `c / x` on a tensor as reciprocal(x) · c.
                let adaptive = 1 / (squareRoot(vi) + eps) * correction2Root
                update = update * adaptive * rectifier
            }
            p[i] = pi - update
        }
    }
}
