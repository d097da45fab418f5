import LRSLayers

/// Builds the runtime layer for a spec, initialising its parameters from `generator` in the
/// order PyTorch's constructors draw them.
enum LayerFactory {
    static func make(_ spec: LayerSpec, input: [Int], output: [Int], generator: RandomGenerator) -> any Layer {
        switch spec {
        case let .linear(inFeatures, out, bias):
            let layer = Linear(inFeatures: inFeatures, outFeatures: out, bias: bias, inputShape: input, outputShape: output)
            layer.initialize(generator)
            return layer
        case let .conv(inChannels, out, kernel, stride, padding, bias):
            let layer = Conv2d(inChannels: inChannels, outChannels: out, kernel: kernel, stride: stride,
                               padding: padding, bias: bias, inputShape: input)
            layer.initialize(generator)
            return layer
        case .relu: return Activation(.relu, shape: input)
        case .tanh: return Activation(.tanh, shape: input)
        case .sigmoid: return Activation(.sigmoid, shape: input)
        case .gelu: return Activation(.gelu, shape: input)
        case .silu: return Activation(.silu, shape: input)
        case .flatten: return Flatten(sampleCount: input.reduce(1, *))
        case let .maxpool(kernel, stride): return Pool2d(.max, kernel: kernel, stride: stride, inputShape: input)
        case let .avgpool(kernel, stride): return Pool2d(.average, kernel: kernel, stride: stride, inputShape: input)
        case .globalAvgPool: return GlobalAvgPool(inputShape: input)
        case .dropout(let p): return Dropout(probability: p, shape: input, generator: generator)
        case .batchnorm(let channels): return BatchNorm(channels: channels, inputShape: input)
        case .layernorm(let features): return LayerNorm(features: features, inputShape: input)
        case let .rmsnorm(features, eps): return RMSNorm(features: features, eps: eps, inputShape: input)
        case let .embedding(count, dim):
            let layer = Embedding(count: count, dim: dim, inputShape: input)
            layer.initialize(generator)
            return layer
        case let .posembed(length, dim):
            let layer = PositionalEmbedding(length: length, dim: dim, inputShape: input)
            layer.initialize(generator)
            return layer
        case let .attention(dim, heads, causal, bias, dropout):
            let layer = Attention(dim: dim, heads: heads, causal: causal, bias: bias, dropout: dropout,
                                  inputShape: input, generator: generator)
            layer.initialize(generator)
            return layer
        case .sequence(let items):
            return Chain(items, inputShape: input, generator: generator)
        case let .residual(body, shortcut):
            return Residual(body: body, shortcut: shortcut, inputShape: input, outputShape: output, generator: generator)
        case let .repeat(count, body):
            // Each copy a nested sequence, built (and initialised) in order; gradient buffers
            // shared by parity (SharedGradients).
            let sets = [SharedGradients(), SharedGradients()]
            let copies: [any Layer] = (0..<count).map { index in
                sets[index % 2].building { Chain(body, inputShape: input, generator: generator) }
            }
            return Chain(names: (0..<count).map { "\($0)" }, layers: copies)
        }
    }

    /// A relu right after a conv, linear, batchnorm or residual is applied by that layer, in its
    /// own pass over the output.
    static func fuseReLUs(_ layers: [any Layer]) {
        for index in layers.indices.dropFirst() {
            guard let relu = layers[index] as? Activation, relu.kind == .relu else { continue }
            if let conv = layers[index - 1] as? Conv2d {
                conv.fusedReLU = true
                relu.fusedIntoPrevious = true
            } else if let linear = layers[index - 1] as? Linear {
                linear.fusedReLU = true
                relu.fusedIntoPrevious = true
            } else if let norm = layers[index - 1] as? BatchNorm {
                norm.fusedReLU = true
                relu.fusedIntoPrevious = true
            } else if let residual = layers[index - 1] as? Residual {
                residual.fusedReLU = true
                relu.fusedIntoPrevious = true
            }
        }
    }
}
