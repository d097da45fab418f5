/// `nn.RMSNorm(features, eps)` over the last dimension: y = x / sqrt(mean(x^2) + eps) * weight
/// per row, weight initialised to ones; eps nil means float32's machine epsilon (2^-23), as
/// PyTorch's `torch.finfo(x.dtype).eps`. The mean of squares is accumulated in double.
final class RMSNorm: AddsSkipGradient {
    let features: Int
    let eps: Double
    let sampleCount: Int
    let weight: Parameter
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private var rstd: [Float] = []
    private var input: Tensor?
    var skipGradient: Tensor?

    init(features: Int, eps: Double?, inputShape: [Int]) {
        self.features = features
        self.eps = eps ?? Double(Float.ulpOfOne)
        sampleCount = inputShape.reduce(1, *)
        weight = Parameter(shape: [features])
        weight.value.fill(1)
        output = BatchBuffer(sampleShape: inputShape)
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
    }

    var state: [(name: String, entry: StateEntry)] { [("weight", .parameter(weight))] }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: sampleCount, layer: "rmsnorm \(features)")
        self.input = input
        skipGradient = nil
        let rows = input.count / features
        if rstd.count < rows { rstd = [Float](repeating: 0, count: rows) }
        let y = output.view(batch: batch)
        let w = weight.value.data
        for r in 0..<rows {
            let x = input.data + r * features, out = y.data + r * features
            var squares = 0.0
            for i in 0..<features { squares += Double(x[i]) * Double(x[i]) }
            let inv = Float(1 / (squares / Double(features) + eps).squareRoot())
            rstd[r] = inv
            for i in 0..<features { out[i] = x[i] * inv * w[i] }
        }
        return y
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input else { preconditionFailure("rmsnorm: backward before forward") }
        precondition(outputGrad.shape == input.shape,
                     "rmsnorm: output gradient of shape \(outputGrad.shape), expected \(input.shape)")
        let rows = input.count / features
        let dx = needsInputGrad ? inputGrad.view(batch: input.shape[0]) : nil
        let addend = skipGradient
        skipGradient = nil
        if let addend {
            precondition(addend.shape == input.shape, "rmsnorm: skip gradient of shape \(addend.shape), expected \(input.shape)")
        }
        let w = weight.value.data
        for r in 0..<rows {
            let x = input.data + r * features, dy = outputGrad.data + r * features
            let inv = rstd[r]
            // dL/dweight += dy * x * rstd
            if weight.requiresGrad { for i in 0..<features { weight.grad.data[i] += dy[i] * x[i] * inv } }
            guard let dx else { continue }
            // dx = rstd * (g - x * rstd^2 * mean(g * x)),  g = dy * weight
            var sumGX = 0.0
            for i in 0..<features { sumGX += Double(dy[i] * w[i]) * Double(x[i]) }
            let coefficient = Float(sumGX / Double(features) * Double(inv) * Double(inv))
            let out = dx.data + r * features
            if let addend {
                let skip = addend.data + r * features
                for i in 0..<features { out[i] = inv * (dy[i] * w[i] - x[i] * coefficient) + skip[i] }
            } else {
                for i in 0..<features { out[i] = inv * (dy[i] * w[i] - x[i] * coefficient) }
            }
        }
        return dx
    }
}
