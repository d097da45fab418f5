import LRSOptim
import LRSRuntime
import Testing

/// Adafactor's factored kernel divides each R_r C_c by mean(R) through the exact reciprocal
/// with one residual step when no value is near underflow or overflow, and by a division
/// otherwise. Scaling a gradient by a power of two scales every sum, factor and quotient
/// exactly and leaves the update unchanged, so a gradient 2^-20 times smaller (its products
/// R_r C_c near 1e-32, below the reciprocal's 2^-90 bound: the division) must move the
/// parameter by exactly the bits the reciprocal gives.
@Suite struct AdafactorDivisionTests {
    @Test(arguments: [[7, 13], [3, 9, 24], [64, 40], [1, 5]])
    func reciprocalRoundsAsTheDivision(shape: [Int]) {
        let count = shape.reduce(1, *)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Float {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(seed >> 40) / Float(1 << 24)
        }
        let values = (0..<count).map { _ in uniform() - 0.5 }
        // Magnitudes from 0.01 to 0.05: every square stays a normal float after scaling.
        let grads = (0..<count).map { _ -> Float in
            let magnitude = 0.01 + 0.04 * uniform()
            return uniform() < 0.5 ? -magnitude : magnitude
        }
        func steps(scale: Float) -> (parameter: [Float], rowVar: [Float]) {
            var config = ParamGroupConfig(kind: .adafactor, learningRate: 0.01)
            // Small enough that neither clamp (mean(R) >= eps, V >= eps²) binds at either scale.
            config.eps1 = 1e-30
            let value = Tensor(shape: shape, values: values)
            let grad = Tensor(shape: shape, values: grads.map { $0 * scale })
            let optimizer = Optimizer(kind: .adafactor, groups: [ParamGroup(
                config: config, parameters: [OptimizerParameter(value: value, grad: grad)])])
            for _ in 0..<3 { optimizer.step() }
            return (value.values, optimizer.exportState()[0]?.tensors["row_var"] ?? [])
        }
        let reciprocal = steps(scale: 1)
        let division = steps(scale: 0x1p-20)
        #expect(division.rowVar == reciprocal.rowVar.map { $0 * 0x1p-40 })
        #expect(!reciprocal.rowVar.isEmpty)
        #expect(division.parameter == reciprocal.parameter)
        #expect(reciprocal.parameter != values)
    }
}
