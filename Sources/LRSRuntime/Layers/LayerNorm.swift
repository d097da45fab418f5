import CRuntimeKernels

/// `nn.LayerNorm(features)` over the last dimension: y = (x - mean) / sqrt(var + eps) * weight
/// + bias per row, biased variance, eps 1e-5, moments accumulated in double.
final class LayerNorm: Layer {
    static let eps = 1e-5
    let features: Int
    let sampleCount: Int
    let weight: Parameter
    let bias: Parameter
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private var mean: [Float] = []
    private var rstd: [Float] = []
    private var input: Tensor?

    init(features: Int, inputShape: [Int]) {
        self.features = features
        sampleCount = inputShape.reduce(1, *)
        weight = Parameter(shape: [features])
        weight.value.fill(1)
        bias = Parameter(shape: [features])
        output = BatchBuffer(sampleShape: inputShape)
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
    }

    var state: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight)), ("bias", .parameter(bias))]
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: sampleCount, layer: "layernorm \(features)")
        self.input = input
        let rows = input.count / features
        if mean.count < rows {
            mean = Array(repeating: 0, count: rows)
            rstd = Array(repeating: 0, count: rows)
        }
        let y = output.view(batch: batch)
        let w = weight.value.data, b = bias.value.data
        for r in 0..<rows {
            let x = input.data + r * features, out = y.data + r * features
            let m = lrs_sum_f64(x, features) / Double(features)
            let squares = lrs_centered_squares_f64(x, features, m)
            let inv = Float(1 / (squares / Double(features) + Self.eps).squareRoot())
            let mf = Float(m)
            mean[r] = mf
            rstd[r] = inv
            for i in 0..<features { out[i] = (x[i] - mf) * inv * w[i] + b[i] }
        }
        return y
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input else { preconditionFailure("layernorm: backward before forward") }
        precondition(outputGrad.shape == input.shape,
                     "layernorm: output gradient of shape \(outputGrad.shape), expected \(input.shape)")
        let rows = input.count / features
        let dx = needsInputGrad ? inputGrad.view(batch: input.shape[0]) : nil
        let w = weight.value.data
        for r in 0..<rows {
            let x = input.data + r * features, dy = outputGrad.data + r * features
            let m = mean[r], inv = rstd[r]
            // dL/dweight += dy * xhat;  dL/dbias += dy
            if weight.requiresGrad { for i in 0..<features { weight.grad.data[i] += dy[i] * (x[i] - m) * inv } }
            if bias.requiresGrad { for i in 0..<features { bias.grad.data[i] += dy[i] } }
            guard let dx else { continue }
            // dx = invstd * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * weight
            var sumG = 0.0, sumGX = 0.0
            for i in 0..<features {
                let g = Double(dy[i] * w[i])
                sumG += g
                sumGX += g * Double((x[i] - m) * inv)
            }
            let meanG = Float(sumG / Double(features)), meanGX = Float(sumGX / Double(features))
            let out = dx.data + r * features
            for i in 0..<features {
                let xhat = (x[i] - m) * inv
                out[i] = inv * (dy[i] * w[i] - meanG - xhat * meanGX)
            }
        }
        return dx
    }
}
