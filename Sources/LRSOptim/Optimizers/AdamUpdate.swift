import Foundation
import LRSRuntime

/// Adam and AdamW (decoupled weight decay), with amsgrad, as torch's `_single_tensor_adam`.
/// State: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
enum AdamUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expAvgSq = Tensor(zeros: value.shape)
        if config.amsgrad { state.maxExpAvgSq = Tensor(zeros: value.shape) }
        return state
    }

    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate, beta1 = config.beta1, beta2 = config.beta2
        // Scalars in double as torch computes them in Python floats, then rounded to float32.
        let stepSize = lr / (1 - pow(beta1, step))
        let correction2Root = Float(pow(1 - pow(beta2, step), 0.5))
        let negativeStepSize = Float(-stepSize)
        let eps = Float(config.eps)
        let weight1 = Float(1 - beta1), beta2f = Float(beta2), weight2 = Float(1 - beta2)
        let sign: Float = config.maximize ? -1 : 1
        let decoupled = config.decouplesWeightDecay
        let hasDecay = config.weightDecay != 0 && !decoupled
        let hasDecoupledDecay = config.weightDecay != 0 && decoupled
        let decay = Float(config.weightDecay), shrink = Float(1 - lr * config.weightDecay)

        let expAvg = state.expAvg ?? Tensor(zeros: value.shape)
        let expAvgSq = state.expAvgSq ?? Tensor(zeros: value.shape)
        state.expAvg = expAvg
        state.expAvgSq = expAvgSq
        let p = value.data, gradient = UnsafePointer(grad.data), m = expAvg.data, v = expAvgSq.data
        if config.amsgrad {
            let maxSq = state.maxExpAvgSq ?? Tensor(zeros: value.shape)
            state.maxExpAvgSq = maxSq
            let vMax = maxSq.data
            // As below, with v̂ = max(v̂, v) in place of v in the denominator.
            return StepKernel(count: value.count) { range in
                for i in range {
                    var pi = p[i], g = sign * gradient[i]
                    if hasDecoupledDecay { pi = pi * shrink }
                    if hasDecay { g = fused(decay, pi, g) }
                    let mi = lerp(m[i], g, weight: weight1)
                    let vi = fused(weight2 * g, g, v[i] * beta2f)
                    let ci = vMax[i] > vi ? vMax[i] : vi
                    m[i] = mi
                    v[i] = vi
                    vMax[i] = ci
                    p[i] = pi + negativeStepSize * mi / (squareRoot(ci) / correction2Root + eps)
                }
            }
        }
        // t = t + 1
        // p = p (1 - lr λ)                      decoupled (AdamW)
        // g = ±grad + λ p                       otherwise
        // m = lerp(m, g, 1 - β1)
        // v = β2 v + (1 - β2) g g
        // p = p - lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + ε)
        return StepKernel(count: value.count) { range in
            for i in range {
                var pi = p[i], g = sign * gradient[i]
                if hasDecoupledDecay { pi = pi * shrink }
                if hasDecay { g = fused(decay, pi, g) }
                let mi = lerp(m[i], g, weight: weight1)
                let vi = fused(weight2 * g, g, v[i] * beta2f)
                m[i] = mi
                v[i] = vi
                p[i] = pi + negativeStepSize * mi / (squareRoot(vi) / correction2Root + eps)
            }
        }
    }
}
