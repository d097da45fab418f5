/// `nn.Linear`: y = x W^T + b, with W [out, in] and b [out]. On an input whose last dimension
/// is `in` ([B, T, in]) it applies to every row, as PyTorch does; any other input with several
/// non-batch dimensions is read as [B, in] (flattened first).
final class Linear: Layer {
    let inFeatures: Int
    let outFeatures: Int
    /// Rows of `in` features per sample: T for [B, T, in], 1 when flattening.
    let rowsPerSample: Int
    let outputSampleShape: [Int]
    let weight: Parameter
    let bias: Parameter?
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private let maskedGrad: BatchBuffer
    private var input: Tensor?
    private var result: Tensor?
    /// Set by `Sequential` when a relu follows: y = relu(x W^T + b) in place, and backward
    /// masks dY by y > 0.
    var fusedReLU = false

    /// `outputShape` is the shape table's (`LayerSpec.outputShape`): [.., out] on the last
    /// dimension, [out] after flattening.
    init(inFeatures: Int, outFeatures: Int, bias: Bool, inputShape: [Int], outputShape: [Int]) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = Parameter(shape: [outFeatures, inFeatures])
        self.bias = bias ? Parameter(shape: [outFeatures]) : nil
        rowsPerSample = outputShape.dropLast().reduce(1, *)
        outputSampleShape = outputShape
        self.output = BatchBuffer(sampleShape: outputSampleShape)
        self.inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
        self.maskedGrad = BatchBuffer.gradient(sampleShape: outputSampleShape)
    }

    var state: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight))] + (bias.map { [("bias", .parameter($0))] } ?? [])
    }

    /// PyTorch's reset_parameters: kaiming_uniform_(a = sqrt(5)) gives W ~ U(±1/sqrt(in)),
    /// then b ~ U(±1/sqrt(in)); weight first, then bias.
    func initialize(_ generator: RandomGenerator) {
        Initialization.kaimingUniform(weight.value, fanIn: inFeatures, generator: generator)
        if let bias { Initialization.biasUniform(bias.value, fanIn: inFeatures, generator: generator) }
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: inFeatures * rowsPerSample, layer: "linear \(inFeatures) \(outFeatures)")
        self.input = input
        let y = output.view(batch: batch)
        let rows = batch * rowsPerSample
        let out = UncheckedSendable(y.data), width = outFeatures
        LinearKernels.forward(input.data, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures,
                              weight: weight.value.data, bias: bias?.value.data, into: y.data,
                              epilogue: fusedReLU ? { range in
                                  VectorKernels.relu(out.value, out.value, (range.lowerBound * width)..<(range.upperBound * width))
                              } : nil)
        result = y
        return y
    }

    func backward(_ givenGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input, let result else { preconditionFailure("linear: backward before forward") }
        let batch = input.shape[0], rows = batch * rowsPerSample
        precondition(givenGrad.shape == [batch] + outputSampleShape,
                     "linear: output gradient of shape \(givenGrad.shape), expected \([batch] + outputSampleShape)")
        var outputGrad = givenGrad
        if fusedReLU {
            // relu'(z) = 1 where relu(z) > 0
            outputGrad = maskedGrad.view(batch: batch)
            VectorKernels.reluBackward(result.data, givenGrad.data, outputGrad.data, 0..<outputGrad.count)
        }
        // dL/dW += dY^T X; dL/db += sum over the batch of dY
        LinearKernels.parameterGradients(outputGrad.data, input: input.data, rows: rows, inFeatures: inFeatures,
                                         outFeatures: outFeatures, weightGrad: weight.requiresGrad ? weight.grad.data : nil,
                                         biasGrad: bias.flatMap { $0.requiresGrad ? $0.grad.data : nil })
        guard needsInputGrad else { return nil }
        // dL/dX = dY W
        let dx = inputGrad.view(batch: batch)
        LinearKernels.inputGradient(outputGrad.data, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures,
                                    weight: weight.value.data, into: dx.data)
        return dx
    }
}
