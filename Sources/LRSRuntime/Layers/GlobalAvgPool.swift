/// `nn.AdaptiveAvgPool2d(1)`: [B, C, H, W] to [B, C, 1, 1], each plane's mean (PyTorch
/// computes it as `x.mean((-1, -2), keepdim=True)`); the sum is accumulated in double.
final class GlobalAvgPool: Layer {
    let channels: Int
    let plane: Int
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private var batch = 0

    init(inputShape: [Int]) {
        channels = inputShape[0]
        plane = inputShape[1] * inputShape[2]
        output = BatchBuffer(sampleShape: [channels, 1, 1])
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: channels * plane, layer: "avgpool global")
        self.batch = batch
        let y = output.view(batch: batch)
        for p in 0..<(batch * channels) {
            let x = input.data + p * plane
            var sum = 0.0
            for i in 0..<plane { sum += Double(x[i]) }
            y.data[p] = Float(sum / Double(plane))
        }
        return y
    }

    // y = mean(x over the plane), so dL/dx = dy / (H W) at every position of the plane
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard needsInputGrad else { return nil }
        precondition(outputGrad.count == batch * channels,
                     "avgpool global: output gradient of shape \(outputGrad.shape), expected \([batch, channels, 1, 1])")
        let dx = inputGrad.view(batch: batch)
        let divisor = Float(plane)
        for p in 0..<(batch * channels) {
            let v = outputGrad.data[p] / divisor
            let out = dx.data + p * plane
            for i in 0..<plane { out[i] = v }
        }
        return dx
    }
}
