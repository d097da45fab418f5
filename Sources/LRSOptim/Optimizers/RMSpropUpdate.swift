import LRSRuntime

/// RMSprop with momentum and the centered variant, as torch's `_single_tensor_rmsprop`.
/// State: `step`, `square_avg`, `momentum_buffer` when momentum > 0, `grad_avg` when centered.
struct RMSpropUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>
    let s: UnsafeMutablePointer<Float>, a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, alpha: Float, weight: Float, eps: Float
    let momentum: Float, negativeRate: Float, centered: Bool, hasMomentum: Bool

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.squareAvg = Tensor(zeros: value.shape)
        if config.momentum > 0 { state.momentumBuffer = Tensor(zeros: value.shape) }
        if config.centered { state.gradAvg = Tensor(zeros: value.shape) }
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        centered = config.centered
        hasMomentum = config.momentum > 0
        let squareAvg = state.squareAvg ?? Tensor(zeros: value.shape)
        state.squareAvg = squareAvg
        // A buffer the group's options do not use is a stand-in its loop never touches.
        let gradAvg = centered ? (state.gradAvg ?? Tensor(zeros: value.shape)) : squareAvg
        if centered { state.gradAvg = gradAvg }
        let buffer = hasMomentum ? (state.momentumBuffer ?? Tensor(zeros: value.shape)) : squareAvg
        if hasMomentum { state.momentumBuffer = buffer }
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        s = squareAvg.data
        a = gradAvg.data
        b = buffer.data
        sign = config.maximize ? -1 : 1
        hasDecay = config.weightDecay != 0
        decay = Float(config.weightDecay)
        alpha = Float(config.alpha)
        weight = Float(1 - config.alpha)
        eps = Float(config.eps)
        momentum = Float(config.momentum)
        negativeRate = Float(-config.learningRate)
    }

    func run(_ range: Range<Int>) {
        // One loop per combination of the flags, so each loop is straight-line and vectorises.
        switch (centered, hasMomentum) {
        case (true, true): update(range, centered: true, hasMomentum: true)
        case (true, false): update(range, centered: true, hasMomentum: false)
        case (false, true): update(range, centered: false, hasMomentum: true)
        case (false, false): update(range, centered: false, hasMomentum: false)
        }
    }

    // g = ±grad + λ p
    // s = α s + (1 - α) g g
    // a = lerp(a, g, 1 - α);  d = √(s - a a) + ε      centered
    // d = √s + ε                                     otherwise
    // b = μ b + g / d;  p = p - lr b                 momentum > 0
    // p = p - lr g / d                               otherwise
    @inline(__always)
    private func update(_ range: Range<Int>, centered: Bool, hasMomentum: Bool) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, s = s, a = a, b = b, sign = sign, hasDecay = hasDecay
        let decay = decay, alpha = alpha, weight = weight, eps = eps, momentum = momentum
        let negativeRate = negativeRate
        for i in range {
            let pi = p[i]
            var g = sign * gradient[i]
            if hasDecay { g = fused(decay, pi, g) }
            let si = fused(weight * g, g, s[i] * alpha)
            s[i] = si
            var d: Float
            if centered {
                let ai = lerp(a[i], g, weight: weight)
                a[i] = ai
                d = squareRoot(fused(-ai, ai, si))
            } else {
                d = squareRoot(si)
            }
            d = d + eps
            if hasMomentum {
                let bi = b[i] * momentum + g / d
                b[i] = bi
                p[i] = fused(negativeRate, bi, pi)
            } else {
                p[i] = pi + negativeRate * g / d
            }
        }
    }
}
