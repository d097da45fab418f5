import Testing
@testable import LRSRuntime

/// The generator and default initialisation against PyTorch's CPU generator
/// (Fixtures/runtime/random.json): same seed, same numbers, bit for bit.
@Suite struct RandomGeneratorTests {
    @Test func uniformFloatsAreTorchs() throws {
        let f = try #require(Fixtures.random)
        let g = RandomGenerator(seed: 42)
        let got = (0..<f.uniform_float_seed42.count).map { _ in g.uniformFloat(from: -2, to: 3) }
        #expect(got == f.uniform_float_seed42)
    }

    @Test func uniformAndNormalDoublesAreTorchs() throws {
        let f = try #require(Fixtures.random)
        let g = RandomGenerator(seed: 42)
        #expect((0..<f.uniform_double_seed42.count).map { _ in g.uniformDouble() } == f.uniform_double_seed42)
        // Each normal_ call on a fresh 1-element tensor draws through the cached pair.
        let n = RandomGenerator(seed: 42)
        let normals = (0..<f.normal_double_seed42.count).map { _ in n.normal() }
        for (a, b) in zip(normals, f.normal_double_seed42) { #expect(abs(a - b) <= 1e-15 * max(1, abs(b))) }
    }

    @Test func fillNormalIsTorchsFloatNormal() throws {
        let f = try #require(Fixtures.random)
        #expect(f.normal_float.count >= 4)
        for c in f.normal_float {
            let g = RandomGenerator(seed: c.seed)
            let t = Tensor(zeros: [c.values.count])
            g.fillNormal(t, mean: c.mean, std: c.std)
            #expect(t.values == c.values, "seed \(c.seed), \(c.values.count) values")
            #expect(g.randperm(10) == c.after, "seed \(c.seed): generator position after normal_")
        }
    }

    @Test func fillNormalFollowsTheScalarNormals() {
        let a = RandomGenerator(seed: 13), b = RandomGenerator(seed: 13)
        let t = Tensor(zeros: [7])
        a.fillNormal(t, mean: 1, std: 2)
        #expect(t.values == (0..<7).map { _ in Float(b.normal(mean: 1, std: 2)) })
    }

    @Test func randpermIsTorchs() throws {
        let f = try #require(Fixtures.random)
        #expect(f.randperm.count >= 5)
        for (key, expected) in f.randperm {
            let parts = key.split(separator: "_").compactMap { Int($0) }
            let g = RandomGenerator(seed: UInt64(parts[0]))
            #expect(g.randperm(parts[1]) == expected, "seed \(parts[0]) n \(parts[1])")
        }
    }

    @Test func defaultInitialisationIsTorchs() throws {
        let f = try #require(Fixtures.random)
        #expect(f.inits.count >= 4)
        for c in f.inits {
            let g = RandomGenerator(seed: c.seed)
            let model = Sequential(layers: c.layers.enumerated().map { ("\($0.offset)", $0.element.spec) },
                                   inputShape: c.input_shape, generator: g)
            for (name, entry) in model.stateDict {
                let t: Tensor
                switch entry {
                case .parameter(let p): t = p.value
                case .tensor(let tensor): t = tensor
                case .counter(let counter):
                    #expect(counter.value == 0)
                    continue
                }
                let s = try #require(c.tensors[name], "seed \(c.seed): \(name) not in fixture")
                #expect(t.count == s.count)
                #expect(Array(t.values.prefix(s.head.count)) == s.head, "seed \(c.seed) \(name) head")
                #expect(Array(t.values.suffix(s.tail.count)) == s.tail, "seed \(c.seed) \(name) tail")
                let sum = t.values.reduce(0.0) { $0 + Double($1) }
                #expect(abs(sum - s.sum) <= 1e-9 * max(1, abs(s.sum)), "seed \(c.seed) \(name) sum")
            }
            #expect(model.stateDict.filter { if case .counter = $0.entry { false } else { true } }.count == c.tensors.count,
                    "seed \(c.seed): tensors \(c.tensors.keys.sorted()), built \(model.stateDict.map(\.name))")
            #expect(g.randperm(20) == c.randperm_after, "seed \(c.seed): generator position after init")
        }
    }

    @Test func shuffledOrderIsDataLoaders() throws {
        let f = try #require(Fixtures.random)
        #expect(f.dataloader.count == 2)
        for c in f.dataloader {
            let g = RandomGenerator(seed: c.seed)
            _ = Sequential(layers: [("0", .linear(in: 5, out: 3))], inputShape: [5], generator: g)
            #expect(c.epochs.map { _ in g.shuffledOrder(c.n) } == c.epochs, "seed \(c.seed) n \(c.n)")
        }
    }

    @Test func stateRestoresExactly() throws {
        let g = RandomGenerator(seed: 9)
        for _ in 0..<700 { _ = g.nextUInt32() }
        _ = g.normal()
        let saved = g.state
        let expected = (0..<5).map { _ in g.normal() } + (0..<1000).map { _ in Double(g.nextUInt32()) }
        let restored = try #require(RandomGenerator(state: saved))
        #expect((0..<5).map { _ in restored.normal() } + (0..<1000).map { _ in Double(restored.nextUInt32()) } == expected)
        var broken = saved
        broken.words.removeLast()
        #expect(RandomGenerator(state: broken) == nil)
        broken = saved
        broken.index = 625
        #expect(!g.restore(broken))
    }
}
