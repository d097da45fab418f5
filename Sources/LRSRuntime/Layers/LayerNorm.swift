import CRuntimeKernels

/// `nn.LayerNorm(features)` over the last dimension: y = (x - mean) / sqrt(var + eps) * weight
/// + bias per row, biased variance, eps 1e-5, moments accumulated in double.
final class LayerNorm: AddsSkipGradient {
    static let eps = 1e-5
    let features: Int
    let sampleCount: Int
    let weight: Parameter
    let bias: Parameter
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private var mean: [Float] = []
    private var rstd: [Float] = []
    /// Per block of rows, the partial sums of dweight and dbias.
    private var partials: [Float] = []
    var skipGradient: Tensor?
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
        skipGradient = nil
        let rows = input.count / features
        if mean.count < rows {
            mean = Array(repeating: 0, count: rows)
            rstd = Array(repeating: 0, count: rows)
        }
        let y = output.view(batch: batch)
        let n = features
        mean.withUnsafeMutableBufferPointer { meanBuffer in
            rstd.withUnsafeMutableBufferPointer { rstdBuffer in
                let p = UncheckedSendable((x: input.data, w: weight.value.data, b: bias.value.data, y: y.data,
                                           mean: meanBuffer.baseAddress, rstd: rstdBuffer.baseAddress))
                ParallelFor.run(count: rows, workPerItem: 8 * n) { _, range in
                    lrs_layernorm_forward(p.value.x, p.value.w, p.value.b, p.value.y, p.value.mean, p.value.rstd, n,
                                          range.lowerBound, range.upperBound, Self.eps)
                }
            }
        }
        return y
    }

    /// Rows per block of the parameter gradients' partial sums: blocks are summed in order,
    /// so dweight and dbias do not depend on how the rows were split across the cores.
    static let blockRows = 64

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input else { preconditionFailure("layernorm: backward before forward") }
        precondition(outputGrad.shape == input.shape,
                     "layernorm: output gradient of shape \(outputGrad.shape), expected \(input.shape)")
        let rows = input.count / features, n = features
        let dx = needsInputGrad ? inputGrad.view(batch: input.shape[0]) : nil
        let blocks = (rows + Self.blockRows - 1) / Self.blockRows
        let wantsWeight = weight.requiresGrad, wantsBias = bias.requiresGrad
        let addend = skipGradient
        skipGradient = nil
        if let addend {
            precondition(addend.shape == input.shape, "layernorm: skip gradient of shape \(addend.shape), expected \(input.shape)")
        }
        if partials.count < 2 * blocks * n { partials = [Float](repeating: 0, count: 2 * blocks * n) }
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            mean.withUnsafeBufferPointer { meanBuffer in
                rstd.withUnsafeBufferPointer { rstdBuffer in
                    guard let part = partialBuffer.baseAddress else { return }
                    let p = UncheckedSendable((x: input.data, dy: outputGrad.data, w: weight.value.data, dx: dx?.data,
                                               mean: meanBuffer.baseAddress, rstd: rstdBuffer.baseAddress, part: part,
                                               addend: addend?.data))
                    // dL/dweight += dy * xhat;  dL/dbias += dy;
                    // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * weight
                    ParallelFor.run(count: blocks, workPerItem: 12 * n * Self.blockRows) { _, range in
                        for block in range {
                            let dw = p.value.part + 2 * block * n, db = dw + n
                            dw.update(repeating: 0, count: 2 * n)
                            lrs_layernorm_backward(p.value.x, p.value.dy, p.value.w, p.value.mean, p.value.rstd,
                                                   p.value.addend, p.value.dx,
                                                   wantsWeight ? dw : nil, wantsBias ? db : nil, n,
                                                   block * Self.blockRows, Swift.min(rows, (block + 1) * Self.blockRows))
                        }
                    }
                    for block in 0..<blocks {
                        let dw = part + 2 * block * n, db = dw + n
                        if wantsWeight { VectorKernels.add(dw, into: weight.grad.data, n) }
                        if wantsBias { VectorKernels.add(db, into: bias.grad.data, n) }
                    }
                }
            }
        }
        return dx
    }
}
