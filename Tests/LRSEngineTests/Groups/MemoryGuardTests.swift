import Foundation
import Testing
import TestSupport
@testable import LRSEngine
import LRSLanguage

/// The memory guard's arithmetic, its refusal at the statement responsible, and the
/// layer-at-a-time initial values `lrs check` evaluates predicates on.
@Suite struct MemoryGuardTests {
    func script(_ text: String) throws -> CheckedScript {
        let source = SourceFile(path: Fixtures.temporaryDirectory() + "/m.lrs", text: text)
        return try #require(Checker.check(source).script)
    }

    func part(_ parts: [MemoryEstimate.Part], _ prefix: String) -> Int? {
        parts.first { $0.part.what.hasPrefix(prefix) }?.part.bytes
    }

    @Test func countsEveryPart() throws {
        let s = try script("""
            input 3 8 8
            model < conv 3 4 3 padding 1; relu; flatten; linear 256 10 >
            optimizer adam
            group linear where max(param) > 0 lr 0.1
            data synthetic samples 100 classes 10
            split 0.2
            train epochs 1 batch 16
            save "w.safetensors"
            """)
        let parts = MemoryEstimate.parts(for: s)
        let parameters = 3 * 4 * 9 + 4 + 256 * 10 + 10  // 2678
        #expect(part(parts, "parameters") == parameters * 4 * 4)
        #expect(part(parts, "saving") == parameters * 4 * 3 * 2)
        // 100 samples of 192 floats, copied by split, labels, 10 prototypes in double.
        #expect(part(parts, "data") == 100 * 192 * 8 + 100 * 4 + 10 * 192 * 8)
        // input, conv out, relu, flatten (256 each x 3), linear 10 x 3, conv columns 27 x 64 x 2.
        let perSample = 192 * 3 + 256 * 3 * 3 + 10 * 3 + 27 * 64 * 2
        #expect(part(parts, "activations for batch 16") == perSample * 16 * 4)
        #expect(part(parts, "evaluating 'where'") == 2560 * 12)
    }

    @Test func refusesAtTheStatementOfTheLargestPart() throws {
        let huge = try script("""
            input 20
            model < linear 20 10 >
            optimizer sgd
            data synthetic samples 999999999
            train epochs 1
            """)
        let budget = MemoryBudget(bytes: 4 << 30, limit: "the address-space limit")
        let diagnostic = try #require(MemoryEstimate.check(huge, budget: budget))
        #expect(diagnostic.range?.start == huge.data?.range.start)
        #expect(diagnostic.message.hasPrefix("the run needs 78.2 GiB of memory (parameters with gradients and optimizer state 1.6 KiB, data 78.2 GiB, activations for batch 32 11.3 KiB); this process can have 4.0 GiB (the address-space limit)"), "\(diagnostic.message)")
        let activations = try script("""
            input 3 512 512
            model < conv 3 64 3 padding 1; conv 64 64 3 padding 1 >
            optimizer sgd
            data synthetic samples 10
            train epochs 1 batch 64
            """)
        let refused = try #require(MemoryEstimate.check(activations, budget: budget))
        #expect(refused.range?.start == activations.train?.range.start)
        #expect(MemoryEstimate.check(try script("model < linear 4 2 >"), budget: budget) == nil)
    }

    @Test func saturatesInsteadOfTrapping() throws {
        #expect(MemoryEstimate.multiply(Int.max / 2, 3) == Int.max)
        #expect(MemoryEstimate.add(Int.max, 1) == Int.max)
        #expect(MemoryEstimate.product([1 << 40, 1 << 40]) == Int.max)
        let s = try script("input 3 60000 60000\nmodel < conv 3 64 3 >\noptimizer adam\ntrain batch 100000")
        let diagnostic = try #require(MemoryEstimate.check(s, budget: MemoryBudget(bytes: 1 << 40, limit: "physical memory")))
        #expect(diagnostic.message.contains("this process can have 1.0 TiB (physical memory)"))
    }

    @Test func theBudgetIsTheSmallestLimit() throws {
        let budget = try #require(MemoryBudget.current())
        #expect(budget.bytes <= (MemoryEstimate.physicalMemory() ?? Int.max))
        #expect(MemoryBudget.addressSpaceOverhead(cores: 2) == 304 << 20)
    }

    @Test func layerwiseValuesAreTheModelsBitForBit() throws {
        let s = try script("""
            seed 7
            input 2 6 6
            model < conv 2 3 3; layernorm 4; relu; dropout 0.5; flatten; linear 48 5; linear 5 2 bias false >
            optimizer sgd
            """)
        let factory = ModelFactory(s)
        let layerwise = factory.layerwiseInitialValues
        let whole = factory.initialValues
        // Out of order and back again: each layer from the generator state it starts at.
        for name in s.model.parameters.map(\.name).reversed() + s.model.parameters.map(\.name) {
            let got = try #require(layerwise(name), "\(name)")
            let expected = try #require(whole(name))
            #expect(got.shape == expected.shape, "\(name)")
            #expect(got.values == expected.values, "\(name)")
        }
    }
}
