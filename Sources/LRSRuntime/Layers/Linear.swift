/// `nn.Linear`: y = x W^T + b, with W [out, in] and b [out]. An input with several non-batch
/// dimensions is read as [B, in] (flattened first).
final class Linear: Layer {
    let inFeatures: Int
    let outFeatures: Int
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

    init(inFeatures: Int, outFeatures: Int, bias: Bool, inputShape: [Int]) {
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.weight = Parameter(shape: [outFeatures, inFeatures])
        self.bias = bias ? Parameter(shape: [outFeatures]) : nil
        self.output = BatchBuffer(sampleShape: [outFeatures])
        self.inputGrad = BatchBuffer(sampleShape: inputShape)
        self.maskedGrad = BatchBuffer(sampleShape: [outFeatures])
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
        let batch = checkInput(input, sampleCount: inFeatures, layer: "linear \(inFeatures) \(outFeatures)")
        self.input = input
        let y = output.view(batch: batch)
        var beta: Float = 0
        if let bias {
            for row in 0..<batch { (y.data + row * outFeatures).update(from: bias.value.data, count: outFeatures) }
            beta = 1
        }
        BLAS.gemm(transB: true, m: batch, n: outFeatures, k: inFeatures,
                  a: input.data, b: weight.value.data, beta: beta, c: y.data)
        if fusedReLU { VectorKernels.relu(y.data, y.data, 0..<y.count) }
        result = y
        return y
    }

    func backward(_ givenGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input, let result else { preconditionFailure("linear: backward before forward") }
        let batch = input.shape[0]
        precondition(givenGrad.shape == [batch, outFeatures],
                     "linear: output gradient of shape \(givenGrad.shape), expected \([batch, outFeatures])")
        var outputGrad = givenGrad
        if fusedReLU {
            // relu'(z) = 1 where relu(z) > 0
            outputGrad = maskedGrad.view(batch: batch)
            VectorKernels.reluBackward(result.data, givenGrad.data, outputGrad.data, 0..<outputGrad.count)
        }
        // dL/dW += dY^T X
        if weight.requiresGrad {
            BLAS.gemm(transA: true, m: outFeatures, n: inFeatures, k: batch,
                      a: outputGrad.data, b: input.data, beta: 1, c: weight.grad.data)
        }
        // dL/db += sum over the batch of dY
        if let bias, bias.requiresGrad {
            let g = bias.grad.data
            for row in 0..<batch {
                let dy = outputGrad.data + row * outFeatures
                for j in 0..<outFeatures { g[j] += dy[j] }
            }
        }
        guard needsInputGrad else { return nil }
        // dL/dX = dY W
        let dx = inputGrad.view(batch: batch)
        BLAS.gemm(m: batch, n: inFeatures, k: outFeatures, a: outputGrad.data, b: weight.value.data, c: dx.data)
        return dx
    }
}
