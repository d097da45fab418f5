import LRSRuntime

/// Adadelta, as torch's `_single_tensor_adadelta`. State: `step`, `square_avg`, `acc_delta`.
enum AdadeltaUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.squareAvg = Tensor(zeros: value.shape)
        state.accDelta = Tensor(zeros: value.shape)
        return state
    }

    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        state.step += 1
        let sign: Float = config.maximize ? -1 : 1
        let decay = Float(config.weightDecay), hasDecay = config.weightDecay != 0
        let rho = Float(config.rho), weight = Float(1 - config.rho), eps = Float(config.eps)
        let negativeRate = Float(-config.learningRate)
        let squareAvg = state.squareAvg ?? Tensor(zeros: value.shape)
        let accDelta = state.accDelta ?? Tensor(zeros: value.shape)
        state.squareAvg = squareAvg
        state.accDelta = accDelta
        let p = value.data, gradient = UnsafePointer(grad.data), s = squareAvg.data, u = accDelta.data
        // g = ±grad + λ p
        // s = ρ s + (1 - ρ) g g
        // δ = √(u + ε) / √(s + ε) · g
        // u = ρ u + (1 - ρ) δ δ
        // p = p - lr δ
        return StepKernel(count: value.count) { range in
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
}
