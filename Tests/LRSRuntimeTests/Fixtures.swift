import Foundation
import LRSLayers
@testable import LRSRuntime

/// Reads the PyTorch reference fixtures under Tests/Fixtures/runtime (made by generate.py there).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/runtime")

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    static let layers: LayerFixtures? = try? load("layers.json", as: LayerFixtures.self)
    static let random: RandomFixtures? = try? load("random.json", as: RandomFixtures.self)
}

/// A layer as generate.py writes it: a kind and its integer/boolean/real arguments.
struct SpecFixture: Codable, Sendable {
    let kind: String
    let `in`: Int?
    let out: Int?
    let kernel: Int?
    let stride: Int?
    let padding: Int?
    let bias: Bool?
    let p: Double?
    let channels: Int?
    let features: Int?
    // Section 12's layers and containers.
    let name: String?
    let count: Int?
    let dim: Int?
    let length: Int?
    let heads: Int?
    let causal: Bool?
    let eps: Double?
    let items: [SpecFixture]?
    let shortcut: [SpecFixture]?

    var spec: LayerSpec {
        func named(_ list: [SpecFixture]?) -> [NamedLayer] { (list ?? []).map { NamedLayer($0.name ?? "?", $0.spec) } }
        switch kind {
        case "embedding": return .embedding(count: count ?? 0, dim: dim ?? 0)
        case "posembed": return .posembed(length: length ?? 0, dim: dim ?? 0)
        case "attention": return .attention(dim: dim ?? 0, heads: heads ?? 0, causal: causal ?? false, bias: bias ?? true,
                                            dropout: p ?? 0)
        case "rmsnorm": return .rmsnorm(features: features ?? 0, eps: eps)
        case "silu": return .silu
        case "avgpool_global": return .globalAvgPool
        case "sequence": return .sequence(named(items))
        case "residual": return .residual(body: named(items), shortcut: shortcut.map { named($0) })
        case "repeat": return .repeat(count: count ?? 0, body: named(items))
        default: return basicSpec
        }
    }

    private var basicSpec: LayerSpec {
        switch kind {
        case "linear": .linear(in: `in` ?? 0, out: out ?? 0, bias: bias ?? true)
        case "conv": .conv(in: `in` ?? 0, out: out ?? 0, kernel: kernel ?? 0, stride: stride ?? 1,
                           padding: padding ?? 0, bias: bias ?? true)
        case "relu": .relu
        case "tanh": .tanh
        case "sigmoid": .sigmoid
        case "gelu": .gelu
        case "flatten": .flatten
        case "maxpool": .maxpool(kernel: kernel ?? 0, stride: stride ?? kernel ?? 0)
        case "avgpool": .avgpool(kernel: kernel ?? 0, stride: stride ?? kernel ?? 0)
        case "dropout": .dropout(p: p ?? 0)
        case "batchnorm": .batchnorm(channels: channels ?? 0)
        case "layernorm": .layernorm(features: features ?? 0)
        default: .relu
        }
    }
}

/// A state_dict value: float values, or an integer counter.
enum StateValue: Codable, Sendable {
    case floats([Float])
    case integer(Int64)

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int64.self) { self = .integer(i) } else { self = .floats(try c.decode([Float].self)) }
    }

    func encode(to encoder: Encoder) throws {}
}

struct LayerCase: Codable, Sendable{
    let name: String
    let layers: [SpecFixture]
    let training: Bool
    let seed: UInt64
    let x_shape: [Int]
    let x: [Float]
    let state: [String: StateValue]
    let out_shape: [Int]
    let out: [Float]
    let upstream: [Float]
    let grad_x: [Float]
    let grads: [String: [Float]]
    let state_after: [String: StateValue]
}

struct LossCase: Codable, Sendable {
    let kind: String
    let shape: [Int]
    let logits: [Float]?
    let labels: [Int]?
    let output: [Float]?
    let target: [Float]?
    let loss: Float
    let grad: [Float]
}

struct LayerFixtures: Codable, Sendable {
    let cases: [LayerCase]
    let losses: [LossCase]
}

struct TensorSummary: Codable, Sendable {
    let count: Int
    let head: [Float]
    let tail: [Float]
    let sum: Double
}

struct InitCase: Codable, Sendable {
    let seed: UInt64
    let layers: [SpecFixture]
    let input_shape: [Int]
    let tensors: [String: TensorSummary]
    let randperm_after: [Int]
}

struct NormalCase: Codable, Sendable {
    let seed: UInt64
    let mean: Double
    let std: Double
    let values: [Float]
    let after: [Int]
}

struct RandomFixtures: Codable, Sendable {
    let inits: [InitCase]
    let normal_float: [NormalCase]
    let uniform_float_seed42: [Float]
    let uniform_double_seed42: [Double]
    let normal_double_seed42: [Double]
    let randperm: [String: [Int]]
    let dataloader: [LoaderCase]
}

struct LoaderCase: Codable, Sendable {
    let seed: UInt64
    let n: Int
    let epochs: [[Int]]
}

extension Sequential {
    /// Builds the fixture's model (layers named 0, 1, ...) and loads the fixture's state.
    static func fixture(_ specs: [SpecFixture], inputShape: [Int], seed: UInt64,
                        state: [String: StateValue] = [:]) -> Sequential {
        let model = Sequential(layers: specs.enumerated().map { ("\($0.offset)", $0.element.spec) },
                               inputShape: inputShape, generator: RandomGenerator(seed: seed))
        for (name, entry) in model.stateDict {
            switch (entry, state[name]) {
            case (.parameter(let p), .floats(let v)?): copy(v, into: p.value)
            case (.tensor(let t), .floats(let v)?): copy(v, into: t)
            case (.counter(let c), .integer(let i)?): c.value = i
            default: break
            }
        }
        return model
    }
}

/// Copies fixture values into a tensor of the same element count.
func copy(_ values: [Float], into tensor: Tensor) {
    precondition(values.count == tensor.count, "fixture has \(values.count) values for \(tensor.shape)")
    for (i, v) in values.enumerated() { tensor.data[i] = v }
}

/// Largest |a - b| relative to the largest |b| (plus a floor), for comparing whole tensors.
func relativeError(_ a: [Float], _ b: [Float], floor: Double = 1e-6) -> Double {
    guard a.count == b.count else { return .infinity }
    var worst = 0.0, scale = floor
    for (x, y) in zip(a, b) {
        worst = max(worst, abs(Double(x) - Double(y)))
        scale = max(scale, abs(Double(y)))
    }
    return worst / scale
}
