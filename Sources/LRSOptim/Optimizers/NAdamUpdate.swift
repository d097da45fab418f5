import COptimKernels
import Foundation
import LRSRuntime

/// NAdam (Adam with Nesterov momentum and a momentum schedule), with decoupled weight decay,
/// as torch's `_single_tensor_nadam`. State: `step`, `mu_product`, `exp_avg`, `exp_avg_sq`.
/// The loop, with its formula, is `lrs_nadam` (Sources/COptimKernels/nadam.c).
struct NAdamUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_nadam_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        ParameterState.adamMoments(value.shape)
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate, beta1 = config.beta1, beta2 = config.beta2
        // μ_t = β1 (1 - ½ · 0.96^(t ψ)), the product kept in float32 as torch keeps it.
        let mu = beta1 * (1.0 - 0.5 * pow(0.96, step * config.momentumDecay))
        let muNext = beta1 * (1.0 - 0.5 * pow(0.96, (step + 1) * config.momentumDecay))
        state.muProduct = state.muProduct * Float(mu)
        let muProduct = Double(state.muProduct)
        let muProductNext = muProduct * muNext
        let expAvg = state.expAvg.orZeros(value.shape)
        let expAvgSq = state.expAvgSq.orZeros(value.shape)
        count = value.count
        let decoupled = config.decoupledWeightDecay
        args = lrs_nadam_args(
            p: value.data, g: grad.data, m: expAvg.data, v: expAvgSq.data,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), shrink: Float(1 - lr * config.weightDecay),
            weight1: Float(1 - beta1), beta2: Float(beta2), weight2: Float(1 - beta2),
            correction2: Float(1 - pow(beta2, step)), eps: Float(config.eps),
            grad_factor: Float(-lr * (1.0 - mu) / (1.0 - muProduct)),
            moment_factor: Float((-lr * muNext) / (1.0 - muProductNext)),
            has_decay: config.weightDecay != 0 && !decoupled, has_decoupled_decay: config.weightDecay != 0 && decoupled)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_nadam($0, range.lowerBound, range.upperBound) }
    }
}
