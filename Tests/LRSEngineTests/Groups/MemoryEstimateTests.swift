import Testing
@testable import LRSEngine
import LRSLanguage

@Suite struct MemoryEstimateTests {
    @Test func stateSlotsPerKind() throws {
        // linear 4 2: 10 parameters; value + grad + state, 4 bytes each.
        let adam = try checked("model < linear 4 2 >\noptimizer adam")
        #expect(MemoryEstimate.bytes(for: adam) == 10 * 4 * 4)
        let amsgrad = try checked("model < linear 4 2 >\noptimizer adam amsgrad true")
        #expect(MemoryEstimate.bytes(for: amsgrad) == 10 * 5 * 4)
        let sgd = try checked("model < linear 4 2 >\noptimizer sgd")
        #expect(MemoryEstimate.bytes(for: sgd) == 10 * 2 * 4)
        let momentum = try checked("model < linear 4 2 >\noptimizer sgd\ngroup all momentum 0.9")
        #expect(MemoryEstimate.bytes(for: momentum) == 10 * 3 * 4)
    }

    @Test func tooLargeIsAnErrorBeforeAllocation() throws {
        let script = try checked("model < linear 100000 100000 >\noptimizer adam")
        let budget = MemoryBudget(bytes: 24 << 30, limit: "physical memory")
        let diagnostic = try #require(MemoryEstimate.check(script, budget: budget))
        let needed = (100000 * 100000 + 100000) * 16
        #expect(diagnostic.condition == .memoryTooLarge(needed: needed, available: 24 << 30,
                                                        parts: [MemoryPart("parameters with gradients and optimizer state", bytes: needed)],
                                                        limit: "physical memory"))
        #expect(diagnostic.message.contains("149.0 GiB"))
        #expect(MemoryEstimate.check(try checked("model < linear 4 2 >"), budget: budget) == nil)
    }
}
