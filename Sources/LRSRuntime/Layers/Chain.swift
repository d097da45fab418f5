/// Builds the runtime layer for a spec, initialising its parameters from `generator` in the
/// order PyTorch's constructors draw them.
enum LayerFactory {
    static func make(_ spec: LayerSpec, input: [Int], output: [Int], generator: RandomGenerator) -> any Layer {
        switch spec {
        case let .linear(inFeatures, out, bias):
            let layer = Linear(inFeatures: inFeatures, outFeatures: out, bias: bias, inputShape: input)
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
            return Chain((0..<count).map { NamedLayer("\($0)", .sequence(body)) }, inputShape: input, generator: generator)
        }
    }

    /// A relu right after a conv or linear is applied by that layer, in cache.
    static func fuseReLUs(_ layers: [any Layer]) {
        for index in layers.indices.dropFirst() {
            guard let relu = layers[index] as? Activation, relu.kind == .relu else { continue }
            if let conv = layers[index - 1] as? Conv2d {
                conv.fusedReLU = true
                relu.fusedIntoPrevious = true
            } else if let linear = layers[index - 1] as? Linear {
                linear.fusedReLU = true
                relu.fusedIntoPrevious = true
            }
        }
    }
}

/// A layer that holds named layers (a nested sequence, a residual): its state is theirs under
/// dotted names, and the model looks through it for batchnorms and embeddings.
protocol Container: Layer {
    /// The layers inside, under the names their state is prefixed with.
    var children: [(name: String, layer: any Layer)] { get }
}

extension Container {
    var state: [(name: String, entry: StateEntry)] {
        children.flatMap { child in child.layer.state.map { (name: "\(child.name).\($0.name)", entry: $0.entry) } }
    }
}

/// Runs `layers` in order, each backward rule in reverse; computes no input gradient for the
/// layers before the first one with a trainable parameter unless asked.
func chainBackward(_ layers: [any Layer], _ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
    let trainable = layers.map { layer in
        layer.state.contains { if case .parameter(let p) = $0.entry { return p.requiresGrad } else { return false } }
    }
    let first = needsInputGrad ? 0 : (trainable.firstIndex(of: true) ?? layers.count)
    var grad = outputGrad
    for index in stride(from: layers.count - 1, through: first, by: -1) {
        let needsInput = index > first || needsInputGrad
        guard let next = layers[index].backward(grad, needsInputGrad: needsInput) else { return nil }
        grad = next
    }
    return needsInputGrad ? grad : nil
}

/// A nested `nn.Sequential` (also each copy of a `repeat`, and the repeat itself).
final class Chain: Container {
    let names: [String]
    let layers: [any Layer]

    init(_ items: [NamedLayer], inputShape: [Int], generator: RandomGenerator) {
        var shape = inputShape
        var built: [any Layer] = []
        for item in items {
            guard case .success(let next) = item.spec.outputShape(for: shape) else {
                preconditionFailure("Chain: item '\(item.name)' does not fit input \(shape)")
            }
            built.append(LayerFactory.make(item.spec, input: shape, output: next, generator: generator))
            shape = next
        }
        LayerFactory.fuseReLUs(built)
        names = items.map(\.name)
        layers = built
    }

    var children: [(name: String, layer: any Layer)] { Array(zip(names, layers)) }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        var x = input
        for layer in layers { x = layer.forward(x, training: training) }
        return x
    }

    // the chain rule through the items in reverse order
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        chainBackward(layers, outputGrad, needsInputGrad: needsInputGrad)
    }
}

/// `body(x) + x`, or `body(x) + shortcut(x)`, the body run first (as a PyTorch forward that
/// writes `self.body(x) + self.shortcut(x)`, which matters for the order of dropout draws).
/// Parameters: the body's under the body items' own names, the shortcut's under `shortcut.`;
/// the body is built (and initialised) before the shortcut.
final class Residual: Container {
    let body: Chain
    let shortcut: Chain?
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer

    init(body items: [NamedLayer], shortcut skip: [NamedLayer]?, inputShape: [Int], outputShape: [Int],
         generator: RandomGenerator) {
        body = Chain(items, inputShape: inputShape, generator: generator)
        shortcut = skip.map { Chain($0, inputShape: inputShape, generator: generator) }
        output = BatchBuffer(sampleShape: outputShape)
        inputGrad = BatchBuffer(sampleShape: inputShape)
    }

    var children: [(name: String, layer: any Layer)] {
        body.children + (shortcut.map { [("shortcut", $0 as any Layer)] } ?? [])
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let main = body.forward(input, training: training)
        let skip = shortcut?.forward(input, training: training) ?? input
        precondition(main.count == skip.count, "residual: body gives \(main.shape), shortcut \(skip.shape)")
        let y = output.view(batch: input.shape[0])
        let a = main.data, b = skip.data, out = y.data
        for i in 0..<y.count { out[i] = a[i] + b[i] }
        return y
    }

    // y = body(x) + shortcut(x): dy flows unchanged into both, dL/dx = body'(dy) + shortcut'(dy)
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        let throughBody = body.backward(outputGrad, needsInputGrad: needsInputGrad)
        let throughShortcut = shortcut.map { $0.backward(outputGrad, needsInputGrad: needsInputGrad) } ?? outputGrad
        guard needsInputGrad else { return nil }
        let dx = inputGrad.view(batch: outputGrad.shape[0])
        switch (throughBody, throughShortcut) {
        case let (a?, b?):
            for i in 0..<dx.count { dx.data[i] = a.data[i] + b.data[i] }
        case let (a?, nil), let (nil, a?):
            dx.data.update(from: a.data, count: dx.count)
        case (nil, nil):
            dx.fill(0)
        }
        return dx
    }
}
