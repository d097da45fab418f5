import LRSRuntime

/// Adagrad with learning-rate decay and an initial accumulator value, as torch's
/// `_single_tensor_adagrad`. State: `step`, `sum` (created with the optimizer).
enum AdagradUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        let sum = Tensor(zeros: value.shape)
        sum.fill(Float(config.initialAccumulatorValue))
        state.sum = sum
        return state
    }

    static func kernel(_ config: ParamGroupConfig, _ state: ParameterState,
                       _ value: Tensor, _ grad: Tensor) -> StepKernel {
        state.step += 1
        let step = Double(state.step)
        let sign: Float = config.maximize ? -1 : 1
        let decay = Float(config.weightDecay), hasDecay = config.weightDecay != 0
        let eps = Float(config.eps)
        let negativeRate = Float(-(config.learningRate / (1 + (step - 1) * config.lrDecay)))
        let sum = state.sum ?? makeState(config, value).sum ?? Tensor(zeros: value.shape)
        state.sum = sum
        let p = value.data, gradient = UnsafePointer(grad.data), s = sum.data
        // g = ±grad + λ p
        // s = s + g g
        // p = p - lr / (1 + (t - 1) lr_decay) · g / (√s + ε)
        return StepKernel(count: value.count) { range in
            for i in range {
                let pi = p[i]
                var g = sign * gradient[i]
                if hasDecay { g = fused(decay, pi, g) }
                let si = fused(g, g, s[i])
                s[i] = si
                p[i] = pi + negativeRate * g / (squareRoot(si) + eps)
            }
        }
    }
}
