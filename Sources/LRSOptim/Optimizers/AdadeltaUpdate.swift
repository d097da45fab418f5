import LRSRuntime

/// Adadelta, as torch's `_single_tensor_adadelta`. State: `step`, `square_avg`, `acc_delta`.
struct AdadeltaUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, rho: Float, weight: Float, eps: Float, negativeRate: Float

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.squareAvg = Tensor(zeros: value.shape)
        state.accDelta = Tensor(zeros: value.shape)
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let squareAvg = state.squareAvg ?? Tensor(zeros: value.shape)
        let accDelta = state.accDelta ?? Tensor(zeros: value.shape)
        state.squareAvg = squareAvg
        state.accDelta = accDelta
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        s = squareAvg.data
        u = accDelta.data
        sign = config.maximize ? -1 : 1
        hasDecay = config.weightDecay != 0
        decay = Float(config.weightDecay)
        rho = Float(config.rho)
        weight = Float(1 - config.rho)
        eps = Float(config.eps)
        negativeRate = Float(-config.learningRate)
    }

    // g = ±grad + λ p
    // s = ρ s + (1 - ρ) g g
    // δ = √(u + ε) / √(s + ε) · g
    // u = ρ u + (1 - ρ) δ δ
    // p = p - lr δ
    func run(_ range: Range<Int>) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, s = s, u = u, sign = sign, hasDecay = hasDecay, decay = decay
        let rho = rho, weight = weight, eps = eps, negativeRate = negativeRate
        for i in range {
            let pi = p[i]
            var g = sign * gradient[i]
            if hasDecay { g = fused(decay, pi, g) }
            let si = fused(weight * g, g, s[i] * rho)
            s[i] = si
            let delta = squareRoot(u[i] + eps) / squareRoot(si + eps) * g
            u[i] = fused(weight * delta, delta, u[i] * rho)
            p[i] = fused(negativeRate, delta, pi)
        }
    }
}
