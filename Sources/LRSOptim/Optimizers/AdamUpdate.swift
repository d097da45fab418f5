import Foundation
import LRSRuntime

/// Adam and AdamW (decoupled weight decay), with amsgrad, as torch's `_single_tensor_adam`.
/// State: `step`, `exp_avg`, `exp_avg_sq`, and `max_exp_avg_sq` with amsgrad.
struct AdamUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vMax: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, hasDecoupledDecay: Bool, shrink: Float
    let weight1: Float, beta2: Float, weight2: Float, negativeStepSize: Float, correction2Root: Float, eps: Float
    let amsgrad: Bool

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.expAvg = Tensor(zeros: value.shape)
        state.expAvgSq = Tensor(zeros: value.shape)
        if config.amsgrad { state.maxExpAvgSq = Tensor(zeros: value.shape) }
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate
        // Scalars in double as torch computes them in Python floats, then rounded to float32.
        negativeStepSize = Float(-(lr / (1 - pow(config.beta1, step))))
        correction2Root = Float(pow(1 - pow(config.beta2, step), 0.5))
        eps = Float(config.eps)
        weight1 = Float(1 - config.beta1)
        beta2 = Float(config.beta2)
        weight2 = Float(1 - config.beta2)
        sign = config.maximize ? -1 : 1
        let decoupled = config.decouplesWeightDecay
        hasDecay = config.weightDecay != 0 && !decoupled
        hasDecoupledDecay = config.weightDecay != 0 && decoupled
        decay = Float(config.weightDecay)
        shrink = Float(1 - lr * config.weightDecay)
        amsgrad = config.amsgrad

        let expAvg = state.expAvg ?? Tensor(zeros: value.shape)
        let expAvgSq = state.expAvgSq ?? Tensor(zeros: value.shape)
        state.expAvg = expAvg
        state.expAvgSq = expAvgSq
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        m = expAvg.data
        v = expAvgSq.data
        if config.amsgrad {
            let maxSq = state.maxExpAvgSq ?? Tensor(zeros: value.shape)
            state.maxExpAvgSq = maxSq
            vMax = maxSq.data
        } else {
            // Never touched without amsgrad.
            vMax = expAvgSq.data
        }
    }

    func run(_ range: Range<Int>) {
        if amsgrad { update(range, amsgrad: true) } else { update(range, amsgrad: false) }
    }

    // t = t + 1
    // p = p (1 - lr λ)                      decoupled (AdamW)
    // g = ±grad + λ p                       otherwise
    // m = lerp(m, g, 1 - β1)
    // v = β2 v + (1 - β2) g g
    // v̂ = max(v̂, v), used below in place of v    amsgrad
    // p = p - lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + ε)
    @inline(__always)
    private func update(_ range: Range<Int>, amsgrad: Bool) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, m = m, v = v, vMax = vMax, sign = sign, hasDecay = hasDecay
        let decay = decay, hasDecoupledDecay = hasDecoupledDecay, shrink = shrink, weight1 = weight1
        let beta2 = beta2, weight2 = weight2, negativeStepSize = negativeStepSize
        let correction2Root = correction2Root, eps = eps
        for i in range {
            var pi = p[i], g = sign * gradient[i]
            if hasDecoupledDecay { pi = pi * shrink }
            if hasDecay { g = fused(decay, pi, g) }
            let mi = lerp(m[i], g, weight: weight1)
            let vi = fused(weight2 * g, g, v[i] * beta2)
            m[i] = mi
            v[i] = vi
            var second = vi
            if amsgrad {
                second = vMax[i] > vi ? vMax[i] : vi
                vMax[i] = second
            }
            p[i] = pi + negativeStepSize * mi / (squareRoot(second) / correction2Root + eps)
        }
    }
}
