import LRSRuntime

/// RMSprop with momentum and the centered variant, as torch's `_single_tensor_rmsprop`.
/// State: `step`, `square_avg`, `momentum_buffer` when momentum > 0, `grad_avg` when centered.
enum RMSpropUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.squareAvg = Tensor(zeros: value.shape)
        if config.momentum > 0 { state.momentumBuffer = Tensor(zeros: value.shape) }
        if config.centered { state.gradAvg = Tensor(zeros: value.shape) }
        return state
    }

    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        state.step += 1
        let sign: Float = config.maximize ? -1 : 1
        let decay = Float(config.weightDecay), hasDecay = config.weightDecay != 0
        let alpha = Float(config.alpha), weight = Float(1 - config.alpha)
        let eps = Float(config.eps), negativeRate = Float(-config.learningRate)
        let momentum = Float(config.momentum), hasMomentum = config.momentum > 0
        let centered = config.centered

        let squareAvg = state.squareAvg ?? Tensor(zeros: value.shape)
        state.squareAvg = squareAvg
        // A buffer the group's options do not use stays a dummy the loop never touches.
        let gradAvg = centered ? (state.gradAvg ?? Tensor(zeros: value.shape)) : squareAvg
        if centered { state.gradAvg = gradAvg }
        let buffer = hasMomentum ? (state.momentumBuffer ?? Tensor(zeros: value.shape)) : squareAvg
        if hasMomentum { state.momentumBuffer = buffer }
        let p = value.data, gradient = UnsafePointer(grad.data)
        let s = squareAvg.data, a = gradAvg.data, b = buffer.data
        // g = ±grad + λ p
        // s = α s + (1 - α) g g
        // a = lerp(a, g, 1 - α);  d = √(s - a a) + ε      centered
        // d = √s + ε                                     otherwise
        // b = μ b + g / d;  p = p - lr b                 momentum > 0
        // p = p - lr g / d                               otherwise
        return StepKernel(count: value.count) { range in
            for i in range {
                var g = sign * gradient[i]
                if hasDecay { g = g + decay * p[i] }
                let si = s[i] * alpha + weight * g * g
                s[i] = si
                var d: Float
                if centered {
                    let ai = lerp(a[i], g, weight: weight)
                    a[i] = ai
                    d = (si + -ai * ai).squareRoot()
                } else {
                    d = si.squareRoot()
                }
                d = d + eps
                if hasMomentum {
                    let bi = b[i] * momentum + g / d
                    b[i] = bi
                    p[i] = p[i] + negativeRate * bi
                } else {
                    p[i] = p[i] + negativeRate * g / d
                }
            }
        }
    }
}
