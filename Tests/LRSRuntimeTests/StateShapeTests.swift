import Testing
import LRSLayers
@testable import LRSRuntime

/// The runtime's layers allocate exactly the parameters and buffers that LRSLayers' table
/// (`LayerSpec.stateShapes`) lists, which the checker names and counts: same names, same
/// shapes, same order, same kinds.
struct StateShapeTests {
    static func built(_ model: Sequential) -> [StateShape] {
        model.stateDict.map { name, entry in
            switch entry {
            case .parameter(let p): StateShape(name, p.shape, .parameter)
            case .tensor(let t): StateShape(name, t.shape, .buffer)
            case .counter: StateShape(name, [], .integerBuffer)
            }
        }
    }

    static let cases: [(spec: LayerSpec, input: [Int])] = [
        (.linear(in: 6, out: 4), [6]), (.linear(in: 6, out: 4, bias: false), [3, 6]),
        (.conv(in: 2, out: 3, kernel: 3, padding: 1), [2, 5, 5]), (.conv(in: 2, out: 3, kernel: 1, bias: false), [2, 5, 5]),
        (.batchnorm(channels: 3), [3, 4]), (.layernorm(features: 5), [2, 5]), (.rmsnorm(features: 5), [5]),
        (.embedding(count: 10, dim: 4), [6]), (.posembed(length: 8, dim: 4), [6, 4]),
        (.attention(dim: 8, heads: 2), [3, 8]), (.attention(dim: 8, heads: 2, causal: true, bias: false), [3, 8]),
        (.relu, [4]), (.silu, [4]), (.flatten, [2, 2]), (.maxpool(kernel: 2, stride: 2), [1, 4, 4]),
        (.globalAvgPool, [2, 3, 3]), (.dropout(p: 0.2), [4]),
    ]

    @Test func everyLayerHoldsWhatTheTableLists() {
        for (spec, input) in Self.cases {
            let model = Sequential(layers: [("l", spec)], inputShape: input, generator: RandomGenerator(seed: 0))
            #expect(Self.built(model) == LayerSpec.stateShapes(of: [NamedLayer("l", spec)]), "\(spec)")
        }
    }

    @Test func containersNameTheirItemsStateAsPyTorchDoes() {
        let gpt = NestedModelTests.gpt(blocks: 2, width: 16, context: 8)
        let items = gpt.layerSpecs.map { NamedLayer($0.name, $0.spec) }
        let table = LayerSpec.stateShapes(of: items)
        #expect(Self.built(gpt) == table)
        #expect(table.map(\.name).contains("blocks.1.0.attn.out_proj.bias"))
        #expect(table.first { $0.name == "blocks.0.0.attn.in_proj_weight" }?.shape == [48, 16])
        let resnet = LayerSpec.residual(body: [NamedLayer("conv", .conv(in: 1, out: 2, kernel: 3, stride: 2, padding: 1))],
                                        shortcut: [NamedLayer("0", .conv(in: 1, out: 2, kernel: 1, stride: 2, bias: false)),
                                                   NamedLayer("1", .batchnorm(channels: 2))])
        let model = Sequential(layers: [("0", resnet)], inputShape: [1, 4, 4], generator: RandomGenerator(seed: 0))
        #expect(Self.built(model) == LayerSpec.stateShapes(of: [NamedLayer("0", resnet)]))
        #expect(LayerSpec.stateShapes(of: [NamedLayer("0", resnet)]).last == StateShape("0.shortcut.1.num_batches_tracked", [], .integerBuffer))
    }
}
