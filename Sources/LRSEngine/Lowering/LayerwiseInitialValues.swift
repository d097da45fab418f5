import LRSLanguage
import LRSLayers
import LRSRuntime

/// Initial values for `where` predicates without building the whole model: `lrs check`
/// holds one layer's parameters at a time, and no gradients. The values are those a run
/// initialises, bit for bit: each layer's draws start from the generator state the whole
/// model's construction reaches at it, in the same order (weight, then bias, each with
/// the runtime's own bounds). Those states (624 words each) are kept as they are reached,
/// so going back to an earlier layer draws that layer only; passing a layer draws without
/// keeping anything.
final class LayerwiseInitialValues {
    private let specs: [(name: String, spec: LayerSpec)]
    private let inputShapes: [[Int]]
    /// Indices of the layers that draw from the generator (those with parameters).
    private let drawing: Set<Int>
    /// The generator's state before layer i, for every i < states.count.
    private var states: [RandomGeneratorState]
    private var current: (layer: Int, values: [String: InitialValue])?

    /// Nil when the model's shapes are not all known (the caller then builds the model).
    init?(_ script: CheckedScript) {
        let model = script.model
        specs = model.layers.map { ($0.name, $0.spec) }
        guard case .success(let shapes) = Sequential.outputShapes(of: specs.map(\.spec), inputShape: model.inputShape ?? [])
        else { return nil }
        inputShapes = [model.inputShape ?? []] + shapes.dropLast()
        drawing = Set(model.parameters.map(\.layerIndex))
        states = [RandomGenerator(seed: UInt64(truncatingIfNeeded: script.seed ?? 0)).state]
    }

    func value(of name: String, layer index: Int) -> InitialValue? {
        guard index >= 0, index < specs.count else { return nil }
        if current?.layer != index {
            current = nil  // let the previous layer go before the next is built
            while states.count <= index {
                let i = states.count - 1
                guard let generator = RandomGenerator(state: states[i]) else { return nil }
                if drawing.contains(i) { _ = draw(i, generator, keep: false) }
                states.append(generator.state)
            }
            guard let generator = RandomGenerator(state: states[index]) else { return nil }
            current = (index, draw(index, generator, keep: true))
        }
        return current?.values[name]
    }

    /// Linear and conv draw weight then bias (`Linear.initialize`, `Conv2d.initialize`);
    /// other layers with parameters (norms) draw nothing and are small: they are built.
    private func draw(_ index: Int, _ generator: RandomGenerator, keep: Bool) -> [String: InitialValue] {
        let name = specs[index].name
        // The shapes from LRSLayers' table (weight, then bias when there is one).
        let state = specs[index].spec.stateShapes
        let fanIn: Int?
        switch specs[index].spec {
        case .linear(let inFeatures, _, _): fanIn = inFeatures
        case let .conv(inChannels, _, kernel, _, _, _): fanIn = inChannels * kernel * kernel
        default: fanIn = nil
        }
        guard let fanIn, let weight = state.first?.shape else {
            let layer = build(index, generator)
            var values: [String: InitialValue] = [:]
            for (parameterName, parameter) in layer.parameters {
                values[parameterName] = InitialValue(shape: parameter.shape, values: parameter.value.values)
            }
            return values
        }
        func uniform(_ count: Int, _ bound: Float) -> [Float]? {
            guard keep else {
                for _ in 0 ..< count { _ = generator.uniformFloat(from: -bound, to: bound) }
                return nil
            }
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for i in 0 ..< count { buffer[i] = generator.uniformFloat(from: -bound, to: bound) }
                initialized = count
            }
        }
        var values: [String: InitialValue] = [:]
        let weightCount = weight.reduce(1, *)
        if let drawn = uniform(weightCount, Initialization.kaimingUniformBound(fanIn: fanIn)) {
            values[name + ".weight"] = InitialValue(shape: weight, values: drawn)
        }
        if let bias = state.dropFirst().first?.shape,
           let drawn = uniform(bias.reduce(1, *), Initialization.biasUniformBound(fanIn: fanIn)) {
            values[name + ".bias"] = InitialValue(shape: bias, values: drawn)
        }
        return values
    }

    /// The layer alone, initialised from `generator` as the whole model initialises it.
    private func build(_ index: Int, _ generator: RandomGenerator) -> Sequential {
        Sequential(layers: [specs[index]], inputShape: inputShapes[index], generator: generator)
    }
}

extension ModelFactory {
    /// Initial values for predicates, one layer at a time when the script has no `init`
    /// file (with one, the file holds them all and the model is built as for a run).
    public var layerwiseInitialValues: InitialValueProvider {
        if let checkpointValues { return checkpointValues }
        guard script.initFile == nil, let layerwise = LayerwiseInitialValues(script) else { return initialValues }
        let layers = Dictionary(script.model.parameters.map { ($0.name, $0.layerIndex) }, uniquingKeysWith: { a, _ in a })
        return { name in
            guard let index = layers[name] else { return nil }
            return layerwise.value(of: name, layer: index)
        }
    }
}
