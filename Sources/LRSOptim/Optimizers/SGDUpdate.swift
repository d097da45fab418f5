import LRSRuntime

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
/// as torch's `_single_tensor_sgd`. State: `momentum_buffer`, only when momentum is non-zero.
struct SGDUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, momentum: Float, keep: Float, negativeRate: Float
    let hasMomentum: Bool, isFirstStep: Bool, nesterov: Bool

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        sign = config.maximize ? -1 : 1
        hasDecay = config.weightDecay != 0
        decay = Float(config.weightDecay)
        negativeRate = Float(-config.learningRate)
        momentum = Float(config.momentum)
        keep = Float(1 - config.dampening)
        nesterov = config.nesterov
        hasMomentum = config.momentum != 0
        isFirstStep = state.momentumBuffer == nil
        if hasMomentum {
            let buffer = state.momentumBuffer ?? Tensor(zeros: value.shape)
            state.momentumBuffer = buffer
            b = buffer.data
        } else {
            // Never touched without momentum.
            b = value.data
        }
    }

    func run(_ range: Range<Int>) {
        // One loop per combination of the flags, so each loop is straight-line and vectorises.
        switch (hasMomentum, isFirstStep, nesterov) {
        case (false, _, _): plain(range)
        case (true, true, true): withMomentum(range, isFirstStep: true, nesterov: true)
        case (true, true, false): withMomentum(range, isFirstStep: true, nesterov: false)
        case (true, false, true): withMomentum(range, isFirstStep: false, nesterov: true)
        case (true, false, false): withMomentum(range, isFirstStep: false, nesterov: false)
        }
    }

    // g = ±grad + λ p;  p = p - lr g
    private func plain(_ range: Range<Int>) {
        let p = p, gradient = gradient, sign = sign, hasDecay = hasDecay, decay = decay
        let negativeRate = negativeRate
        for i in range {
            let pi = p[i]
            var g = sign * gradient[i]
            if hasDecay { g = fused(decay, pi, g) }
            p[i] = fused(negativeRate, g, pi)
        }
    }

    // g = ±grad + λ p
    // b = g at the first step, else μ b + (1 - dampening) g
    // g = g + μ b with Nesterov, else b
    // p = p - lr g
    @inline(__always)
    private func withMomentum(_ range: Range<Int>, isFirstStep: Bool, nesterov: Bool) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, b = b, sign = sign, hasDecay = hasDecay, decay = decay
        let momentum = momentum, keep = keep, negativeRate = negativeRate
        for i in range {
            let pi = p[i]
            var g = sign * gradient[i]
            if hasDecay { g = fused(decay, pi, g) }
            let bi = isFirstStep ? g : fused(keep, g, b[i] * momentum)
            b[i] = bi
            p[i] = fused(negativeRate, nesterov ? fused(momentum, bi, g) : bi, pi)
        }
    }
}
