import CRuntimeKernels
import Foundation

/// The elementwise activations, each forward beside its derivative.
enum ActivationKind {
    case relu, tanh, sigmoid, gelu, silu
}

/// `nn.ReLU`, `nn.Tanh`, `nn.Sigmoid`, `nn.GELU` (exact erf form), `nn.SiLU`, elementwise over
/// any shape.
final class Activation: Layer {
    let kind: ActivationKind
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private var input: Tensor?
    private var result: Tensor?
    /// gelu in training: (1 + erf(x / sqrt 2)) / 2 from the forward, so the backward does not
    /// compute erf again (made on first use; nil after an evaluation forward).
    private lazy var cdfBuffer = BatchBuffer(sampleShape: output.sampleShape)
    private var cdf: Tensor?
    /// Set by `Sequential` when the previous layer applies this relu itself: then this
    /// layer passes values and gradients through.
    var fusedIntoPrevious = false

    init(_ kind: ActivationKind, shape: [Int]) {
        self.kind = kind
        output = BatchBuffer(sampleShape: shape)
        inputGrad = BatchBuffer.gradient(sampleShape: shape)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: output.sampleCount, layer: "\(kind)")
        if fusedIntoPrevious { return input }
        let y = output.view(batch: batch)
        self.input = input
        result = y
        cdf = kind == .gelu && training ? cdfBuffer.view(batch: batch) : nil
        let p = UncheckedSendable((x: input.data, y: y.data, cdf: cdf?.data))
        let kind = self.kind
        ParallelFor.run(count: input.count, workPerItem: kind == .relu ? 1 : 16) { _, range in
            let x = p.value.x, y = p.value.y
            switch kind {
            case .relu:
                VectorKernels.relu(x, y, range)
            case .tanh:
                for i in range { y[i] = Foundation.tanh(x[i]) }
            case .sigmoid:
                // sigmoid(x) = 1 / (1 + exp(-x))
                for i in range { y[i] = 1 / (1 + Foundation.exp(-x[i])) }
            case .gelu:
                // gelu(x) = x/2 (1 + erf(x / sqrt 2)), erf as ATen's vectorised kernel
                if let cdf = p.value.cdf {
                    lrs_gelu_forward_keeping_cdf(x, y, cdf, range.lowerBound, range.upperBound)
                } else {
                    lrs_gelu_forward(x, y, range.lowerBound, range.upperBound)
                }
            case .silu:
                // silu(x) = x / (1 + exp(-x)), as ATen computes it
                for i in range { y[i] = x[i] / (1 + Foundation.exp(-x[i])) }
            }
        }
        return y
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard needsInputGrad else { return nil }
        if fusedIntoPrevious { return outputGrad }
        guard let input, let result else { preconditionFailure("\(kind): backward before forward") }
        precondition(outputGrad.shape == result.shape,
                     "\(kind): output gradient of shape \(outputGrad.shape), expected \(result.shape)")
        let dx = inputGrad.view(batch: input.shape[0])
        let p = UncheckedSendable((x: input.data, y: result.data, dy: outputGrad.data, dx: dx.data, cdf: cdf?.data))
        let kind = self.kind
        ParallelFor.run(count: input.count, workPerItem: kind == .gelu || kind == .silu ? 16 : 1) { _, range in
            let x = p.value.x, y = p.value.y, dy = p.value.dy, dx = p.value.dx
            switch kind {
            case .relu:
                // relu'(x) = 1 if x > 0 else 0
                VectorKernels.reluBackward(x, dy, dx, range)
            case .tanh:
                // tanh'(x) = 1 - tanh(x)^2
                for i in range { dx[i] = dy[i] * (1 - y[i] * y[i]) }
            case .sigmoid:
                // sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))
                for i in range { dx[i] = dy[i] * (1 - y[i]) * y[i] }
            case .gelu:
                // gelu'(x) = (1 + erf(x / sqrt 2)) / 2 + x exp(-x^2 / 2) / sqrt(2 pi)
                if let cdf = p.value.cdf {
                    lrs_gelu_backward_from_cdf(x, cdf, dy, dx, range.lowerBound, range.upperBound)
                } else {
                    lrs_gelu_backward(x, dy, dx, range.lowerBound, range.upperBound)
                }
            case .silu:
                // silu'(x) = s (1 + x (1 - s)),  s = sigmoid(x)
                for i in range {
                    let s = 1 / (1 + Foundation.exp(-x[i]))
                    dx[i] = dy[i] * s * (1 + x[i] * (1 - s))
                }
            }
        }
        return dx
    }
}

/// `nn.Flatten`: [B, d1, d2, ...] to [B, d1*d2*...], a view without a copy either way.
final class Flatten: Layer {
    let sampleCount: Int
    private var inputShape: [Int] = []

    init(sampleCount: Int) { self.sampleCount = sampleCount }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: sampleCount, layer: "flatten")
        inputShape = input.shape
        return Tensor(viewing: input, shape: [batch, sampleCount])
    }

    // Flatten only renames dimensions: dL/dx is dL/dy in the input's shape.
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard needsInputGrad else { return nil }
        precondition(outputGrad.count == inputShape.reduce(1, *),
                     "flatten: output gradient of shape \(outputGrad.shape) for input \(inputShape)")
        return Tensor(viewing: outputGrad, shape: inputShape)
    }
}
