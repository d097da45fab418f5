import LRSRuntime

/// Adagrad with learning-rate decay and an initial accumulator value, as torch's
/// `_single_tensor_adagrad`. State: `step`, `sum` (created with the optimizer).
struct AdagradUpdate: ParameterUpdate {
    let count: Int
    let p: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, s: UnsafeMutablePointer<Float>
    let sign: Float, hasDecay: Bool, decay: Float, eps: Float, negativeRate: Float

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        let sum = Tensor(zeros: value.shape)
        sum.fill(Float(config.initialAccumulatorValue))
        state.sum = sum
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let sum = state.sum ?? Self.makeState(config, value).sum ?? Tensor(zeros: value.shape)
        state.sum = sum
        count = value.count
        p = value.data
        gradient = UnsafePointer(grad.data)
        s = sum.data
        sign = config.maximize ? -1 : 1
        hasDecay = config.weightDecay != 0
        decay = Float(config.weightDecay)
        eps = Float(config.eps)
        negativeRate = Float(-(config.learningRate / (1 + (step - 1) * config.lrDecay)))
    }

    // g = ±grad + λ p
    // s = s + g g
    // p = p - lr / (1 + (t - 1) lr_decay) · g / (√s + ε)
    func run(_ range: Range<Int>) {
        // Locals, so the loop keeps them in registers instead of reloading them after stores.
        let p = p, gradient = gradient, s = s, sign = sign, hasDecay = hasDecay, decay = decay
        let eps = eps, negativeRate = negativeRate
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
