import LRSLayers

/// A sequential model, as `nn.Sequential`: named layers run in order, each layer's backward
/// rule beside its forward, all activation and gradient buffers allocated once for the
/// largest batch and reused across steps.
///
///     let model = Sequential(layers: [("0", .conv(in: 3, out: 16, kernel: 3)), ("1", .relu),
///                                     ("2", .linear(in: 10816, out: 10))],
///                            inputShape: [3, 28, 28], generator: RandomGenerator(seed: 1))
///     let logits = model.forward(x)                       // x: [B, 3, 28, 28]
///     let dlogits = model.outputGradient(batch: B)
///     let loss = try Losses.crossEntropy(logits: logits, labels: y, gradient: dlogits)
///     model.zeroGrad(); model.backward(dlogits)          // grads in model.parameters
///
/// Items may be containers (`.sequence`, `.residual`, `.repeat`, with `NamedLayer` items), to
/// any depth; parameters are then named by their dotted paths, as PyTorch's state_dict names
/// the equivalent modules:
///
///     let block: [NamedLayer] = [
///         NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: 64)),
///                                          NamedLayer("attn", .attention(dim: 64, heads: 4, causal: true))])),
///         NamedLayer("1", .residual(body: [NamedLayer("ln2", .layernorm(features: 64)),
///                                          NamedLayer("fc", .linear(in: 64, out: 256)), NamedLayer("2", .gelu),
///                                          NamedLayer("proj", .linear(in: 256, out: 64))])),
///     ]
///     let gpt = Sequential(layers: [("embed", .embedding(count: 256, dim: 64)), ("pos", .posembed(length: 32, dim: 64)),
///                                   ("blocks", .repeat(count: 4, body: block)), ("ln_f", .layernorm(features: 64)),
///                                   ("head", .linear(in: 64, out: 256))],
///                          inputShape: [32], generator: RandomGenerator(seed: 1))
///     try gpt.checkIds(ids)                               // ids: [B, 32], integers as floats
///     let logits = gpt.forward(ids)                       // [B, 32, 256]
///     // labels: B*32 targets, row-major; the loss is the mean over all positions
///     let loss = try Losses.crossEntropy(logits: logits, labels: labels, gradient: gpt.outputGradient(batch: B))
///
/// (`blocks.0.0.attn.in_proj_weight`, `blocks.3.1.proj.bias`, ...).
///
/// Tensors returned by `forward` and `outputGradient` are views of the model's buffers,
/// overwritten by the next step.
public final class Sequential {
    /// Layer names (labels, or positions from 0) and their descriptions, in order.
    public let layerSpecs: [(name: String, spec: LayerSpec)]
    /// Shape of one input sample (no batch dimension).
    public let inputShape: [Int]
    /// Per-sample output shape of every layer, in order.
    public let layerOutputShapes: [[Int]]
    /// Shape of one output sample.
    public var outputShape: [Int] { layerOutputShapes.last ?? inputShape }
    /// The generator dropout draws its masks from (the one given at construction).
    public let generator: RandomGenerator
    /// Training mode (batch statistics, dropout) when true, evaluation mode when false.
    public var isTraining = true

    let layers: [any Layer]
    private let lossGradient: BatchBuffer

    /// Builds the model, initialising parameters from `generator` in layer order exactly as
    /// PyTorch does after `torch.manual_seed(seed)`. Shapes must fit (the language's checker
    /// has checked them; a mismatch here is a programming error naming both shapes).
    public init(layers specs: [(name: String, spec: LayerSpec)], inputShape: [Int],
                generator: RandomGenerator, maxBatchSize: Int = 0) {
        let shapes: [[Int]]
        switch Sequential.outputShapes(of: specs.map(\.spec), inputShape: inputShape) {
        case .success(let s): shapes = s
        case .failure(let failure): preconditionFailure("Sequential: \(failure)")
        }
        layerSpecs = specs
        self.inputShape = inputShape
        layerOutputShapes = shapes
        self.generator = generator
        var built: [any Layer] = []
        for (index, entry) in specs.enumerated() {
            let input = index == 0 ? inputShape : shapes[index - 1]
            built.append(LayerFactory.make(entry.spec, input: input, output: shapes[index], generator: generator))
        }
        LayerFactory.fuseReLUs(built)
        self.layers = built
        lossGradient = BatchBuffer(sampleShape: shapes.last ?? inputShape)
        if maxBatchSize > 0 { reserve(batch: maxBatchSize) }
    }

    /// Every layer's per-sample output shape for `inputShape`, or the first disagreement,
    /// located by the layer's position.
    public static func outputShapes(of specs: [LayerSpec], inputShape: [Int]) -> Result<[[Int]], ShapeFailure> {
        LayerSpec.outputShapes(of: specs.enumerated().map { NamedLayer("\($0.offset)", $0.element) }, input: inputShape)
    }

    /// The state_dict: parameters and buffers under PyTorch's names, in PyTorch's order.
    public var stateDict: [(name: String, entry: StateEntry)] {
        zip(layerSpecs, layers).flatMap { spec, layer in
            layer.state.map { (name: "\(spec.name).\($0.name)", entry: $0.entry) }
        }
    }

    /// The parameters in state_dict order (`0.weight`, `0.bias`, `layer1.weight`, ...).
    public var parameters: [(name: String, parameter: Parameter)] {
        stateDict.compactMap { item in
            if case .parameter(let p) = item.entry { return (item.name, p) }
            return nil
        }
    }

    /// The buffers in state_dict order (`running_mean`, `running_var` as `.tensor`,
    /// `num_batches_tracked` as `.counter`).
    public var buffers: [(name: String, entry: StateEntry)] {
        stateDict.filter { if case .parameter = $0.entry { return false } else { return true } }
    }

    /// Switches to training mode (as `model.train()`).
    public func train() { isTraining = true }
    /// Switches to evaluation mode (as `model.eval()`).
    public func eval() { isTraining = false }

    /// Allocates every buffer for batches of up to `batch` samples now rather than on first use.
    public func reserve(batch: Int) {
        precondition(batch > 0, "Sequential.reserve: batch \(batch)")
        let x = Tensor(zeros: [batch] + inputShape)
        let training = isTraining
        isTraining = false
        _ = forward(x)
        _ = outputGradient(batch: batch)
        isTraining = training
    }

    /// A batchnorm that a training batch would give one value per channel: its dotted
    /// name and the input shape it would see.
    public struct BatchProblem: Equatable, Sendable {
        public let layer: String
        public let inputShape: [Int]
    }

    /// Why a training batch of `batch` samples cannot run, or nil. A batchnorm needs more
    /// than one value per channel in training mode (a last batch of one sample before
    /// `batchnorm C` on [B, C]): the training loop reports this instead of calling
    /// `forward`, which treats it as a programming error.
    public func trainingBatchProblem(batch: Int) -> BatchProblem? {
        for (index, layer) in layers.enumerated() {
            for (path, inner) in Self.leaves(layer, name: layerSpecs[index].name) {
                guard let norm = inner as? BatchNorm, batch * norm.spatial <= 1 else { continue }
                let shape = inner === layer
                    ? [batch] + (index == 0 ? inputShape : layerOutputShapes[index - 1])
                    : [batch, norm.channels]
                return BatchProblem(layer: path, inputShape: shape)
            }
        }
        return nil
    }

    /// The layer and, through containers, every layer inside it, with their dotted names.
    static func leaves(_ layer: any Layer, name: String) -> [(path: String, layer: any Layer)] {
        guard let container = layer as? any Container else { return [(name, layer)] }
        return container.children.flatMap { leaves($0.layer, name: "\(name).\($0.name)") }
    }

    /// Throws when the model starts with an embedding and `input` holds an id that is not an
    /// integer in range, naming the sample and position. Call it on every batch of ids before
    /// `forward` (which treats a bad id as a programming error); other models accept anything.
    public func checkIds(_ input: Tensor) throws(TokenIdError) {
        var first = layers.first
        while let container = first as? any Container, !(container is Residual) { first = container.children.first?.layer }
        if let embedding = first as? Embedding { try embedding.check(input) }
    }

    /// Runs the model on `input` of shape [B] + inputShape; returns [B] + outputShape.
    public func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count == inputShape.count + 1 && Array(input.shape.dropFirst()) == inputShape,
                     "Sequential.forward: input of shape \(input.shape), expected [B] + \(inputShape)")
        var x = input
        for layer in layers { x = layer.forward(x, training: isTraining) }
        return x
    }

    /// A buffer of the output's shape for `batch` samples, to receive d(loss)/d(output).
    public func outputGradient(batch: Int) -> Tensor { lossGradient.view(batch: batch) }

    /// Back-propagates d(loss)/d(output) for the last forward, accumulating into the grad of
    /// every parameter with `requiresGrad`; computes no gradient for frozen parameters and
    /// none for layers before the first trainable one.
    public func backward(_ outputGrad: Tensor) {
        _ = backward(outputGrad, computeInputGradient: false)
    }

    /// As `backward(_:)`, and also returns d(loss)/d(input) when asked (a view of the first
    /// layer's buffer).
    public func backward(_ outputGrad: Tensor, computeInputGradient: Bool) -> Tensor? {
        chainBackward(layers, outputGrad, needsInputGrad: computeInputGradient)
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGrad() {
        for (_, p) in parameters { p.grad.fill(0) }
    }
}
