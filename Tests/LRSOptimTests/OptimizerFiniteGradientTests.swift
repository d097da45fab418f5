import LRSOptim
import LRSRuntime
import Testing

/// The check the engine runs before a step, so a NaN or infinite gradient never reaches
/// the optimizer state.
@Suite struct OptimizerFiniteGradientTests {
    static func optimizer(grads: [[Float]]) -> Optimizer {
        let parameters = grads.map { values in
            OptimizerParameter(value: Tensor(zeros: [values.count]), grad: Tensor(shape: [values.count], values: values))
        }
        let groups = [ParamGroup(config: ParamGroupConfig(kind: .sgd, learningRate: 0.1), parameters: [parameters[0]]),
                      ParamGroup(config: ParamGroupConfig(kind: .sgd, learningRate: 0.1), parameters: Array(parameters.dropFirst()))]
        return Optimizer(kind: .sgd, groups: groups)
    }

    @Test func finiteGradientsPass() {
        let largest = Float.greatestFiniteMagnitude
        #expect(Self.optimizer(grads: [[1, -largest], [0, -0.0, .leastNonzeroMagnitude]]).firstNonFiniteGradient() == nil)
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteGradientIsLocated(_ bad: Float) {
        let optimizer = Self.optimizer(grads: [[1, 2], [3], [4, 5, bad, 6]])
        #expect(optimizer.firstNonFiniteGradient() == NonFiniteGradient(group: 1, parameter: 1))
    }

    /// A large gradient is checked in parallel chunks; the bad element sits near the end.
    @Test func largeGradientIsCheckedEverywhere() {
        var values = [Float](repeating: 0.5, count: 600_000)
        let optimizer = Self.optimizer(grads: [values, [1]])
        #expect(optimizer.firstNonFiniteGradient() == nil)
        values[599_999] = .nan
        let bad = Self.optimizer(grads: [[1], values])
        #expect(bad.firstNonFiniteGradient() == NonFiniteGradient(group: 1, parameter: 0))
        // With several bad gradients checked concurrently, the first in group order is reported.
        var early = [Float](repeating: 0.5, count: 300_000)
        early[0] = -.infinity
        let twoBad = Self.optimizer(grads: [[1], values, early, values])
        #expect(twoBad.firstNonFiniteGradient() == NonFiniteGradient(group: 1, parameter: 0))
    }
}
