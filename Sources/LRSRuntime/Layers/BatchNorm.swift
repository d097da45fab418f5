import CRuntimeKernels

/// `nn.BatchNorm1d` / `nn.BatchNorm2d`: per channel c over the batch and spatial positions,
/// y = (x - mean) / sqrt(var + eps) * weight + bias, eps 1e-5.
///
/// Training uses the batch's mean and biased variance and updates the running statistics
/// with momentum 0.1 (running_var with the unbiased variance) and `num_batches_tracked`;
/// evaluation uses the running statistics. Statistics are accumulated in double, as ATen's
/// CPU kernel does.
final class BatchNorm: Layer {
    static let eps = 1e-5
    static let momentum = 0.1
    let channels: Int
    /// Elements per channel per sample (H * W, L, or 1).
    let spatial: Int
    let weight: Parameter
    let bias: Parameter
    let runningMean: Tensor
    let runningVar: Tensor
    let numBatchesTracked = Counter()
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    /// Per-channel statistics of the last forward (batch or running), written by parallel chunks.
    private let mean: UnsafeMutablePointer<Double>
    private let invStd: UnsafeMutablePointer<Double>
    private var input: Tensor?
    private var result: Tensor?
    private var trainedBatch = false
    /// Set by `Sequential` when a relu follows: y = relu(bn(x)) in the same pass, and backward
    /// reads dY masked by y > 0 where it reads dY (no masked copy is written).
    var fusedReLU = false

    init(channels: Int, inputShape: [Int]) {
        self.channels = channels
        spatial = inputShape.dropFirst().reduce(1, *)
        weight = Parameter(shape: [channels])
        weight.value.fill(1)
        bias = Parameter(shape: [channels])
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(zeros: [channels])
        runningVar.fill(1)
        output = BatchBuffer(sampleShape: inputShape)
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
        mean = .allocate(capacity: channels)
        mean.initialize(repeating: 0, count: channels)
        invStd = .allocate(capacity: channels)
        invStd.initialize(repeating: 0, count: channels)
    }

    deinit {
        mean.deallocate()
        invStd.deallocate()
    }

    var state: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight)), ("bias", .parameter(bias)), ("running_mean", .tensor(runningMean)),
         ("running_var", .tensor(runningVar)), ("num_batches_tracked", .counter(numBatchesTracked))]
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: channels * spatial, layer: "batchnorm \(channels)")
        let n = batch * spatial
        precondition(!training || n > 1,
                     "batchnorm \(channels): expected more than 1 value per channel when training, got input \(input.shape)")
        self.input = input
        trainedBatch = training
        let x = input.data, stride = channels * spatial, spatial = self.spatial
        let mean = self.mean, invStd = self.invStd
        let runningMean = self.runningMean.data, runningVar = self.runningVar.data
        if training { numBatchesTracked.value &+= 1 }
        let y = output.view(batch: batch)
        result = y
        let fusedReLU: Int32 = self.fusedReLU ? 1 : 0
        // Channels are independent: split them across the cores. A channel's statistics and
        // its normalisation in one pass over the channels, so that the normalisation reads the
        // channel (a few hundred kB at most here) from cache, not from memory.
        ParallelFor.run(count: channels, workPerItem: n * 6) { _, range in for c in range {
            if training {
                var sum = 0.0
                for b in 0..<batch { sum += lrs_sum_f64(x + b * stride + c * spatial, spatial) }
                let m = sum / Double(n)
                var squares = 0.0
                for b in 0..<batch { squares += lrs_centered_squares_f64(x + b * stride + c * spatial, spatial, m) }
                mean[c] = m
                invStd[c] = 1 / (squares / Double(n) + Self.eps).squareRoot()
                // running = (1 - momentum) running + momentum stat, variance unbiased
                let unbiased = squares / Double(n - 1)
                runningMean[c] = Float(Self.momentum * m + (1 - Self.momentum) * Double(runningMean[c]))
                runningVar[c] = Float(Self.momentum * unbiased + (1 - Self.momentum) * Double(runningVar[c]))
            } else {
                mean[c] = Double(runningMean[c])
                invStd[c] = 1 / (Double(runningVar[c]) + Self.eps).squareRoot()
            }
            // y = x * alpha + beta with alpha = invstd * w, beta = b - mean * alpha (as ATen)
            let alpha = Float(invStd[c]) * weight.value.data[c]
            let beta = bias.value.data[c] - Float(mean[c]) * alpha
            for b in 0..<batch {
                lrs_bn_apply(x + b * stride + c * spatial, y.data + b * stride + c * spatial, spatial, alpha, beta, fusedReLU)
            }
        } }
        return y
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input else { preconditionFailure("batchnorm: backward before forward") }
        precondition(outputGrad.shape == input.shape,
                     "batchnorm: output gradient of shape \(outputGrad.shape), expected \(input.shape)")
        let batch = input.shape[0], n = Double(batch * spatial), stride = channels * spatial
        let x = input.data
        let dy = UnsafePointer(outputGrad.data)
        let dx = needsInputGrad ? inputGrad.view(batch: batch) : nil
        // relu'(z) = 1 where relu(z) > 0: with a fused relu, the kernels read dY masked by y.
        let y = fusedReLU ? result.map { UnsafePointer($0.data) } : nil
        let mean = self.mean, invStd = self.invStd, spatial = self.spatial, trainedBatch = self.trainedBatch
        let weightGrad = weight.requiresGrad ? weight.grad.data : nil, biasGrad = bias.requiresGrad ? bias.grad.data : nil
        ParallelFor.run(count: channels, workPerItem: batch * spatial * 4) { _, range in for c in range {
            var sumDy = 0.0, dot = 0.0
            for b in 0..<batch {
                let at = b * stride + c * spatial
                lrs_bn_backward_sums(x + at, y.map { $0 + at }, dy + at, spatial, mean[c], &sumDy, &dot)
            }
            // dL/dweight = sum(dy * xhat);  dL/dbias = sum(dy)
            weightGrad?[c] += Float(dot * invStd[c])
            biasGrad?[c] += Float(sumDy)
            guard let dx else { continue }
            let w = Double(weight.value.data[c]), inv = invStd[c]
            if trainedBatch {
                // dx = (dy - mean(dy) - (x - mean) * sum(dy (x - mean)) invstd^2 / N) * invstd * w
                let meanDy = sumDy / n, projection = dot * inv * inv / n
                for b in 0..<batch {
                    let at = b * stride + c * spatial
                    lrs_bn_backward_input(x + at, y.map { $0 + at }, dy + at, dx.data + at, spatial, mean[c], meanDy,
                                          projection, inv, w)
                }
            } else {
                // dx = dy * invstd * w with the running statistics held constant
                let scale = Float(inv * w)
                for b in 0..<batch {
                    let at = b * stride + c * spatial
                    let gs = dy + at, out = dx.data + at
                    if let y { for i in 0..<spatial { out[i] = (y[at + i] > 0 ? gs[i] : 0) * scale } }
                    else { for i in 0..<spatial { out[i] = gs[i] * scale } }
                }
            }
        } }
        return dx
    }
}
