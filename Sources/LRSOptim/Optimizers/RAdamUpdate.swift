import COptimKernels
import Foundation
import LRSRuntime

/// RAdam (Adam with a rectified adaptive rate), with decoupled weight decay, as torch's
/// `_single_tensor_radam`. State: `step`, `exp_avg`, `exp_avg_sq`.
/// The loop, with its formula, is `lrs_radam` (Sources/COptimKernels/radam.c).
struct RAdamUpdate: ParameterUpdate {
    let count: Int
    let args: lrs_radam_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        ParameterState.adamMoments(value.shape)
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step)
        let lr = config.learningRate, beta1 = config.beta1, beta2 = config.beta2
        let correction2 = 1 - pow(beta2, step)
        // ρ∞ = 2 / (1 - β2) - 1;  ρ_t = ρ∞ - 2 t β2^t / (1 - β2^t)
        let rhoInfinity = 2 / (1 - beta2) - 1
        let rhoT = rhoInfinity - 2 * step * pow(beta2, step) / correction2
        // r_t = √((ρ_t - 4)(ρ_t - 2) ρ∞ / ((ρ∞ - 4)(ρ∞ - 2) ρ_t)), used once ρ_t > 5.
        let rectified = rhoT > 5.0
        let rectifier = rectified
            ? Float(pow((rhoT - 4) * (rhoT - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rhoT), 0.5))
            : 1
        let expAvg = state.expAvg.orZeros(value.shape)
        let expAvgSq = state.expAvgSq.orZeros(value.shape)
        count = value.count
        let decoupled = config.decoupledWeightDecay
        args = lrs_radam_args(
            p: value.data, g: grad.data, m: expAvg.data, v: expAvgSq.data,
            sign: config.maximize ? -1 : 1, decay: Float(config.weightDecay), shrink: Float(1 - lr * config.weightDecay),
            weight1: Float(1 - beta1), beta2: Float(beta2), weight2: Float(1 - beta2), eps: Float(config.eps),
            correction1: Float(1 - pow(beta1, step)), learning_rate: Float(lr),
            correction2_root: Float(pow(correction2, 0.5)), rectifier: rectifier,
            has_decay: config.weightDecay != 0 && !decoupled, has_decoupled_decay: config.weightDecay != 0 && decoupled,
            rectified: rectified)
    }

    func run(_ range: Range<Int>) {
        withUnsafePointer(to: args) { lrs_radam($0, range.lowerBound, range.upperBound) }
    }
}
