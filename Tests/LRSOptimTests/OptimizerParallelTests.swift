import LRSHyperparameters
import LRSRuntime
import Synchronization
import Testing
@testable import LRSOptim

/// The parallel pass: work split across cores covers every element exactly once, and an
/// element's update does not depend on which core or chunk computed it.
@Suite struct OptimizerParallelTests {
    @Test(arguments: [[300_000, 5, 200_000, 0, 70_000], [1_000_000], [3, 4], Array(repeating: 1_000, count: 700)])
    func rangesCoverEveryElementOnce(_ counts: [Int]) {
        let total = counts.reduce(0, +)
        let visits = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(total, 1))
        defer { visits.deallocate() }
        visits.initialize(repeating: 0)
        var starts = [0]
        for count in counts { starts.append(starts[starts.count - 1] + count) }
        let overlaps = Atomic<Int>(0)
        ParallelRanges.run(counts: counts) { item, range in
            for i in range {
                // Ranges of distinct calls must be disjoint, so plain writes never race.
                if visits[starts[item] + i] != 0 { overlaps.add(1, ordering: .relaxed) }
                visits[starts[item] + i] = 1
            }
        }
        #expect(overlaps.load(ordering: .relaxed) == 0)
        #expect(visits.allSatisfy { $0 == 1 })
    }

    /// A 280 k-element parameter (updated in parallel chunks, vector loops) repeating the
    /// values of a 7-element one (scalar loop): every element must match its twin bit for bit.
    /// Not for Adafactor and Muon, whose elements' updates depend on the whole tensor (norms,
    /// Newton-Schulz); Muon takes matrices only.
    @Test(arguments: OptimizerKind.allCases.filter { $0 != .adafactor && $0 != .muon })
    func chunkedUpdateEqualsElementwise(_ kind: OptimizerKind) {
        let pattern: [Float] = [0.5, -1.25, 3, -0.001, 2.5, 0, -7]
        let gradients: [Float] = [0.1, 0.3, -0.2, 1.5, -0.7, 0.05, 2]
        let size = 280_000 - 280_000 % pattern.count
        let large = Tensor(shape: [size], values: (0..<size).map { pattern[$0 % pattern.count] })
        let largeGrad = Tensor(shape: [size], values: (0..<size).map { gradients[$0 % gradients.count] })
        let small = Tensor(shape: [pattern.count], values: pattern)
        var config = ParamGroupConfig(kind: kind, learningRate: 0.01)
        config.weightDecay = 0.1
        config.momentum = kind == .sgd || kind == .rmsprop ? 0.9 : 0
        config.centered = kind == .rmsprop
        config.amsgrad = kind == .adam
        let optimizer = Optimizer(kind: kind, groups: [ParamGroup(config: config, parameters: [
            OptimizerParameter(value: large, grad: largeGrad),
            OptimizerParameter(value: small, grad: Tensor(shape: [gradients.count], values: gradients)),
        ])])
        for _ in 0..<8 { optimizer.step() }
        let expected = small.values.map(\.bitPattern)
        var mismatches = 0
        for i in 0..<size where large.data[i].bitPattern != expected[i % expected.count] { mismatches += 1 }
        #expect(mismatches == 0)
        #expect(small.values != pattern)
    }
}
