import LRSRuntime

/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay,
/// as torch's `_single_tensor_sgd`. State: `momentum_buffer`, only when momentum is non-zero.
enum SGDUpdate {
    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        let p = value.data, gradient = UnsafePointer(grad.data)
        let sign: Float = config.maximize ? -1 : 1
        let decay = Float(config.weightDecay), hasDecay = config.weightDecay != 0
        let negativeRate = Float(-config.learningRate)
        guard config.momentum != 0 else {
            // g = ±grad + λ p;  p = p - lr g
            return StepKernel(count: value.count) { range in
                for i in range {
                    let pi = p[i]
                    var g = sign * gradient[i]
                    if hasDecay { g = fused(decay, pi, g) }
                    p[i] = fused(negativeRate, g, pi)
                }
            }
        }
        let isFirstStep = state.momentumBuffer == nil
        let buffer = state.momentumBuffer ?? Tensor(zeros: value.shape)
        state.momentumBuffer = buffer
        let b = buffer.data
        let momentum = Float(config.momentum), keep = Float(1 - config.dampening)
        let update = MomentumUpdate(p: p, gradient: gradient, b: b, sign: sign, hasDecay: hasDecay, decay: decay,
                                    momentum: momentum, keep: keep, negativeRate: negativeRate)
        // One loop per combination of the flags, so each loop is straight-line and vectorises.
        return StepKernel(count: value.count) { range in
            switch (isFirstStep, config.nesterov) {
            case (true, true): update.run(range, isFirstStep: true, nesterov: true)
            case (true, false): update.run(range, isFirstStep: true, nesterov: false)
            case (false, true): update.run(range, isFirstStep: false, nesterov: true)
            case (false, false): update.run(range, isFirstStep: false, nesterov: false)
            }
        }
    }

    /// The momentum update over one range, with the step's scalars.
    private struct MomentumUpdate {
        let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, b: UnsafeMutablePointer<Float>
        let sign: Float, hasDecay: Bool, decay: Float, momentum: Float, keep: Float, negativeRate: Float

        // g = ±grad + λ p
        // b = g at the first step, else μ b + (1 - dampening) g
        // g = g + μ b with Nesterov, else b
        // p = p - lr g
        @inline(__always)
        func run(_ range: Range<Int>, isFirstStep: Bool, nesterov: Bool) {
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
}
