import COptimKernels
import Foundation
import LRSRuntime

/// Adafactor, as torch's `_single_tensor_adafactor` (torch.optim.Adafactor):
///
///     ρ = min(lr, 1 / √t);  α = max(eps[1], RMS(p)) ρ;  β̂2 = 1 - t^beta2_decay
///     p = p (1 - lr λ)
///     G = ±grad
///     R = β̂2 R + (1 - β̂2) mean_cols G²;  C = β̂2 C + (1 - β̂2) mean_rows G²      >= 2-D
///     V = R C / max(mean(R), eps[0])                                            (last two dims)
///     V = β̂2 V + (1 - β̂2) G²                                                   0-D and 1-D
///     U = G / √max(V, eps[0]²);  p = p - α / max(1, RMS(U) / d) U
///
/// A parameter's step needs norms of the parameter and of its whole update, so each is one
/// call of `lrs_adafactor` (Sources/COptimKernels/adafactor.c) and parameters, not element
/// ranges, are shared between the cores (each core's `UpdateSpace` holds the update between
/// the two passes). State: `step`, and `row_var` ([..., rows, 1]) and `col_var`
/// ([..., 1, cols]) for >= 2-D parameters, `variance` for the others.
struct AdafactorUpdate {
    let count: Int
    /// Floats of room the step needs: the update, and a matrix's column and row sums.
    let space: Int
    let args: lrs_adafactor_args

    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        if value.shape.count >= 2 {
            state.rowVar = Tensor(zeros: Optimizer.stateShape("row_var", parameterShape: value.shape))
            state.colVar = Tensor(zeros: Optimizer.stateShape("col_var", parameterShape: value.shape))
        } else {
            state.variance = Tensor(zeros: value.shape)
        }
        return state
    }

    init(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        state.step += 1
        let step = Double(state.step), lr = config.learningRate
        let shape = value.shape
        let factored = shape.count >= 2
        let eps1 = config.adafactorEps1
        var rows = 1, cols = 1
        var rowVar: UnsafeMutablePointer<Float>?, colVar: UnsafeMutablePointer<Float>?
        var variance: UnsafeMutablePointer<Float>?
        if factored {
            rows = shape[shape.count - 2]
            cols = shape[shape.count - 1]
            let r = state.rowVar.orZeros(Optimizer.stateShape("row_var", parameterShape: shape))
            let c = state.colVar.orZeros(Optimizer.stateShape("col_var", parameterShape: shape))
            rowVar = r.data
            colVar = c.data
        } else {
            let v = state.variance.orZeros(shape)
            variance = v.data
        }
        count = value.count
        space = count + (factored ? rows + cols : 0)
        args = lrs_adafactor_args(
            p: value.data, g: grad.data, row_var: rowVar, col_var: colVar, variance: variance, update: nil,
            count: value.count, rows: rows, cols: cols,
            sign: config.maximize ? -1 : 1, weight: Float(pow(step, config.beta2Decay)), eps1: Float(eps1),
            eps1_squared: Float(eps1 * eps1), shrink: Float(1 - lr * config.weightDecay),
            eps2: config.eps2, rho: min(lr, 1 / pow(step, 0.5)), d: config.clippingThreshold,
            factored: factored, has_decay: config.weightDecay != 0)
    }

    /// The parameter's whole step, its update held in `room`.
    func run(in room: UpdateSpace) {
        guard count > 0 else { return }
        var args = args
        args.update = room.floats(space)
        withUnsafePointer(to: args) { lrs_adafactor($0) }
    }
}

/// Room for Adafactor's update between the two passes of a parameter's step, one per core:
/// grown to the largest parameter the core has updated, and kept (each step sends the same
/// parameters to the same core).
final class UpdateSpace {
    private var storage: Tensor?

    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let storage, storage.count >= count { return storage.data }
        let made = Tensor(zeros: [count])
        storage = made
        return made.data
    }
}

extension Optimizer {
    /// Adafactor's step: the serial prologue for every parameter with a gradient, then each
    /// parameter's passes, parameters split between the cores by element count.
    func stepAdafactor() {
        var updates: [AdafactorUpdate] = []
        forEachParameterWithGradient { config, state, value, grad in
            updates.append(AdafactorUpdate(config, state, value, grad))
        }
        runByParameter(counts: updates.map(\.count)) { item, half in updates[item].run(in: updateSpaces[half]) }
    }

    /// Calls `body(item, half)` for every item, the items split into two runs (`half` 0 and
    /// 1) of about equal element counts on the two cores when the total is large enough to
    /// pay; otherwise all in half 0.
    func runByParameter(counts: [Int], _ body: (_ item: Int, _ half: Int) -> Void) {
        let total = counts.reduce(0, +)
        var middle = 0, sum = 0
        while middle < counts.count && sum + counts[middle] / 2 < total / 2 {
            sum += counts[middle]
            middle += 1
        }
        guard ParallelFor.width > 1, total >= ParallelRanges.serialLimit, middle > 0, middle < counts.count else {
            for item in counts.indices { body(item, 0) }
            return
        }
        ParallelFor.run(count: 2, workPerItem: total) { _, range in
            for half in range {
                for item in half == 0 ? 0..<middle : middle..<counts.count { body(item, half) }
            }
        }
    }
}
