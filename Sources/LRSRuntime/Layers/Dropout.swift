/// `nn.Dropout(p)`: in training, each element is kept with probability 1 - p and scaled by
/// 1 / (1 - p); in evaluation (or with p = 0) the input passes through unchanged.
///
/// As ATen's CPU dropout: the mask is `bernoulli_(1 - p)`, one double uniform per element
/// (64-bit draw) from the model's generator in storage order, kept when u < 1 - p, then
/// divided by 1 - p in float; p = 1 zeroes everything without drawing. So the same seed
/// gives PyTorch's masks.
final class Dropout: Layer {
    let probability: Double
    let generator: RandomGenerator
    private let output: BatchBuffer
    private let mask: BatchBuffer
    private let inputGrad: BatchBuffer
    private var masked = false

    init(probability: Double, shape: [Int], generator: RandomGenerator) {
        self.probability = probability
        self.generator = generator
        output = BatchBuffer(sampleShape: shape)
        mask = BatchBuffer(sampleShape: shape)
        inputGrad = BatchBuffer.gradient(sampleShape: shape)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: output.sampleCount, layer: "dropout")
        masked = training && probability > 0
        guard masked else { return input }
        let m = mask.view(batch: batch), y = output.view(batch: batch)
        if probability >= 1 {
            m.fill(0)
        } else {
            let keep = 1 - probability
            let scale = 1 / Float(keep)
            for i in 0..<input.count { m.data[i] = generator.uniformDouble() < keep ? scale : 0 }
        }
        for i in 0..<input.count { y.data[i] = input.data[i] * m.data[i] }
        return y
    }

    // y = x * mask, so dL/dx = dL/dy * mask
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard needsInputGrad else { return nil }
        guard masked else { return outputGrad }
        let batch = outputGrad.shape[0]
        let m = mask.view(batch: batch), dx = inputGrad.view(batch: batch)
        precondition(outputGrad.count == m.count, "dropout: output gradient of shape \(outputGrad.shape), expected \(m.shape)")
        for i in 0..<dx.count { dx.data[i] = outputGrad.data[i] * m.data[i] }
        return dx
    }
}
