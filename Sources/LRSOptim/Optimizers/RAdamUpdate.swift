import Foundation
import LRSRuntime

/// RAdam (Adam with a rectified adaptive rate), with decoupled weight decay, as torch's
/// `_single_tensor_radam`. State: `step`, `exp_avg`, `exp_avg_sq`.
enum RAdamUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expAvgSq = Tensor(zeros: value.shape)
        return state
    }

    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate, beta1 = config.beta1, beta2 = config.beta2
        let correction1 = 1 - pow(beta1, step)
        let correction2 = 1 - pow(beta2, step)
        // ρ∞ = 2 / (1 - β2) - 1;  ρ_t = ρ∞ - 2 t β2^t / (1 - β2^t)
        let rhoInfinity = 2 / (1 - beta2) - 1
        let rhoT = rhoInfinity - 2 * step * pow(beta2, step) / correction2
        // r_t = √((ρ_t - 4)(ρ_t - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρ_t)), used once ρ_t > 5.
        let rectified = rhoT > 5.0
        let rectifier = rectified
            ? Float(pow((rhoT - 4) * (rhoT - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rhoT), 0.5))
            : 1
        let correction1f = Float(correction1), lrf = Float(lr)
        let correction2Root = Float(pow(correction2, 0.5))
        let sign: Float = config.maximize ? -1 : 1
        let decoupled = config.decoupledWeightDecay
        let hasDecay = config.weightDecay != 0 && !decoupled
        let hasDecoupledDecay = config.weightDecay != 0 && decoupled
        let decay = Float(config.weightDecay), shrink = Float(1 - lr * config.weightDecay)
        let weight1 = Float(1 - beta1), beta2f = Float(beta2), weight2 = Float(1 - beta2)
        let eps = Float(config.eps)
        let expAvg = state.expAvg ?? Tensor(zeros: value.shape)
        let expAvgSq = state.expAvgSq ?? Tensor(zeros: value.shape)
        state.expAvg = expAvg
        state.expAvgSq = expAvgSq
        let p = value.data, gradient = UnsafePointer(grad.data), m = expAvg.data, v = expAvgSq.data
        // p = p (1 - lr λ)                  decoupled
        // g = ±grad + λ p                   otherwise
        // m = lerp(m, g, 1 - β1);  v = β2 v + (1 - β2) g g
        // p = p - m / (1 - β1^t) · lr · √(1 - β2^t) / (√v + ε) · r_t    when ρ_t > 5
        // p = p - m / (1 - β1^t) · lr                                   otherwise
        return StepKernel(count: value.count) { range in
            for i in range {
                var pi = p[i], g = sign * gradient[i]
                if hasDecoupledDecay { pi = pi * shrink }
                if hasDecay { g = fused(decay, pi, g) }
                let mi = lerp(m[i], g, weight: weight1)
                let vi = fused(weight2 * g, g, v[i] * beta2f)
                m[i] = mi
                v[i] = vi
                var update = mi / correction1f * lrf
                if rectified {
                    // torch evaluates `c / x` on a tensor as reciprocal(x) · c.
                    let adaptive = 1 / (squareRoot(vi) + eps) * correction2Root
                    update = update * adaptive * rectifier
                }
                p[i] = pi - update
            }
        }
    }
}
