import LRSLanguage
import LRSLayers
import LRSRuntime

/// The checked model as the runtime's `Sequential`: the language's layer descriptions
/// mapped one to one onto the runtime's.
enum ModelLowering {
    static func runtimeSpec(_ spec: CheckedLayerSpec) -> LayerSpec {
        switch spec {
        case let .linear(a, b, bias): .linear(in: a, out: b, bias: bias)
        case let .conv(a, b, k, s, p, bias): .conv(in: a, out: b, kernel: k, stride: s, padding: p, bias: bias)
        case .relu: .relu
        case .tanh: .tanh
        case .sigmoid: .sigmoid
        case .gelu: .gelu
        case .flatten: .flatten
        case let .maxpool(k, s): .maxpool(kernel: k, stride: s)
        case let .avgpool(k, s): .avgpool(kernel: k, stride: s)
        case let .dropout(p): .dropout(p: p)
        case let .batchnorm(n): .batchnorm(channels: n)
        case let .layernorm(n): .layernorm(features: n)
        }
    }

    /// Builds the model, initialising it from `generator` as PyTorch does after
    /// `torch.manual_seed`. The checker has verified every shape.
    static func build(_ model: CheckedModel, generator: RandomGenerator, maxBatch: Int = 0) -> Sequential {
        Sequential(layers: model.layers.map { ($0.name, runtimeSpec($0.spec)) },
                   inputShape: model.inputShape ?? [], generator: generator, maxBatchSize: maxBatch)
    }
}
