import LRSLayers

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

    /// Layers already built (the copies of a `repeat`).
    init(names: [String], layers: [any Layer]) {
        self.names = names
        self.layers = layers
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
