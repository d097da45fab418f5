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
                    var g = sign * gradient[i]
                    if hasDecay { g = g + decay * p[i] }
                    p[i] = p[i] + negativeRate * g
                }
            }
        }
        let isFirstStep = state.momentumBuffer == nil
        let buffer = state.momentumBuffer ?? Tensor(zeros: value.shape)
        state.momentumBuffer = buffer
        let b = buffer.data
        let momentum = Float(config.momentum), keep = Float(1 - config.dampening)
        let nesterov = config.nesterov
        // g = ±grad + λ p
        // b = g at the first step, else μ b + (1 - dampening) g
        // g = g + μ b with Nesterov, else b
        // p = p - lr g
        return StepKernel(count: value.count) { range in
            for i in range {
                var g = sign * gradient[i]
                if hasDecay { g = g + decay * p[i] }
                let bi = isFirstStep ? g : b[i] * momentum + keep * g
                b[i] = bi
                let direction = nesterov ? g + momentum * bi : bi
                p[i] = p[i] + negativeRate * direction
            }
        }
    }
}
