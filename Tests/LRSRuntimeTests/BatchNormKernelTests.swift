import CRuntimeKernels
import Testing
@testable import LRSRuntime

/// BatchNorm's C kernels (eight-lane vector loops with scalar tails) against the same sums
/// and formulas written as plain loops, on lengths around the vector width, with and without
/// a fused relu's mask (negative, zero and NaN outputs masked; NaN kept by the apply).
@Suite struct BatchNormKernelTests {
    static let lengths = [1, 7, 8, 13, 16, 100]

    static func values(_ n: Int, seed: UInt64) -> [Float] {
        let t = Tensor(zeros: [n])
        RandomGenerator(seed: seed).fillUniform(t, from: -2, to: 2)
        return t.values
    }

    /// The sums in the kernels' order: lane i % 8 of the whole groups of eight, lanes added in
    /// turn, then the tail.
    static func laneSum(_ terms: [Double]) -> Double {
        var lanes = [Double](repeating: 0, count: 8)
        let whole = terms.count / 8 * 8
        for i in 0..<whole { lanes[i % 8] += terms[i] }
        var sum = 0.0
        for l in 0..<8 { sum += lanes[l] }
        for i in whole..<terms.count { sum += terms[i] }
        return sum
    }

    @Test(arguments: lengths) func statisticsMatchPlainSums(_ n: Int) {
        let x = Self.values(n, seed: 51)
        let mean = 0.25
        #expect(lrs_sum_f64(x, n) == Self.laneSum(x.map { Double($0) }))
        #expect(lrs_centered_squares_f64(x, n, mean) == Self.laneSum(x.map { (Double($0) - mean) * (Double($0) - mean) }))
    }

    @Test(arguments: lengths) func backwardMatchesPlainLoops(_ n: Int) {
        let x = Self.values(n, seed: 52), dy = Self.values(n, seed: 53)
        var y = Self.values(n, seed: 54)
        y[0] = 0
        if n > 3 { y[3] = .nan }
        let mean = -0.125, meanDy = 0.01, projection = 0.3, invStd = 1.7, weight = 0.9
        for relu in [false, true] {
            let g = (0..<n).map { i in relu && !(y[i] > 0) ? 0.0 : Double(dy[i]) }
            var sumDy = 0.5, dot = -0.25
            y.withUnsafeBufferPointer { yp in
                lrs_bn_backward_sums(x, relu ? yp.baseAddress : nil, dy, n, mean, &sumDy, &dot)
            }
            #expect(sumDy == 0.5 + Self.laneSum(g), "relu \(relu)")
            #expect(dot == -0.25 + Self.laneSum((0..<n).map { (Double(x[$0]) - mean) * g[$0] }), "relu \(relu)")
            var dx = [Float](repeating: -9, count: n)
            y.withUnsafeBufferPointer { yp in
                lrs_bn_backward_input(x, relu ? yp.baseAddress : nil, dy, &dx, n, mean, meanDy, projection, invStd, weight)
            }
            let expected = (0..<n).map { Float((g[$0] - meanDy - (Double(x[$0]) - mean) * projection) * invStd * weight) }
            #expect(dx == expected, "relu \(relu)")
        }
    }

    @Test(arguments: lengths) func applyMatchesPlainLoop(_ n: Int) {
        var x = Self.values(n, seed: 55)
        if n > 2 { x[2] = .nan }
        let alpha: Float = 1.3, beta: Float = -0.2
        for relu in [false, true] {
            var y = [Float](repeating: -9, count: n)
            lrs_bn_apply(x, &y, n, alpha, beta, relu ? 1 : 0)
            for i in 0..<n {
                let v = x[i] * alpha + beta
                let expected = relu && !(v > 0) && !v.isNaN ? 0 : v
                #expect(y[i] == expected || (y[i].isNaN && expected.isNaN), "relu \(relu) at \(i)")
            }
        }
    }
}
