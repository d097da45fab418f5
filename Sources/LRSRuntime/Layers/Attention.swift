import CRuntimeKernels
import Foundation

/// `nn.MultiheadAttention(dim, heads, dropout, bias, batch_first=True)` called as
/// `attn(x, x, x, attn_mask=mask)` (need_weights left at its default, so PyTorch takes its
/// explicit bmm path, which this follows step by step), with `mask` the causal mask when
/// `causal`:
///
///     [Q K V] = x W_in^T + b_in                          [B, T, 3D]
///     per batch b and head h (hd = D / H columns each):
///       S = (Q * sqrt(1/hd)) K^T  (+ -inf above the diagonal when causal)
///       P = softmax(S) over the last dimension; P' = dropout(P) in training
///       O = P' V
///     y = O W_out^T + b_out                              [B, T, D]
///
/// Forward keeps [Q*scale K V], P, the dropout mask and O: exactly what backward needs.
/// The per-head products are strided GEMMs reading the heads in place from the packed
/// projection, split over the cores by (batch, head).
final class Attention: Layer {
    let dim: Int
    let heads: Int
    let headDim: Int
    let length: Int
    let causal: Bool
    let dropout: Double
    let generator: RandomGenerator
    let inProjWeight: Parameter
    let inProjBias: Parameter?
    let outWeight: Parameter
    let outBias: Parameter?
    /// sqrt(1 / hd) in double as Python computes it, then rounded to float as torch does when
    /// multiplying a float tensor by a Python float.
    let scale: Float

    private let projection: BatchBuffer
    private let probabilities: BatchBuffer
    private let attended: BatchBuffer
    private let output: BatchBuffer
    private let projectionGrad: BatchBuffer
    private let attendedGrad: BatchBuffer
    private let inputGrad: BatchBuffer
    /// Kept elements of the attention dropout (one byte per probability), in storage order.
    private var keep: [UInt8] = []
    private var dropped = false
    /// Two [T, T] matrices per chunk of the parallel loops.
    private var scratch: [Tensor] = []
    private var input: Tensor?

    init(dim: Int, heads: Int, causal: Bool, bias: Bool, dropout: Double, inputShape: [Int],
         generator: RandomGenerator) {
        self.dim = dim
        self.heads = heads
        headDim = dim / heads
        length = inputShape[0]
        self.causal = causal
        self.dropout = dropout
        self.generator = generator
        inProjWeight = Parameter(shape: [3 * dim, dim])
        inProjBias = bias ? Parameter(shape: [3 * dim]) : nil
        outWeight = Parameter(shape: [dim, dim])
        outBias = bias ? Parameter(shape: [dim]) : nil
        scale = Float((1.0 / Double(dim / heads)).squareRoot())
        projection = BatchBuffer(sampleShape: [length, 3 * dim])
        probabilities = BatchBuffer(sampleShape: [heads, length, length])
        attended = BatchBuffer(sampleShape: [length, dim])
        output = BatchBuffer(sampleShape: [length, dim])
        projectionGrad = BatchBuffer.gradient(sampleShape: [length, 3 * dim])
        attendedGrad = BatchBuffer.gradient(sampleShape: [length, dim])
        inputGrad = BatchBuffer.gradient(sampleShape: [length, dim])
        scratch = (0..<(2 * ParallelFor.width)).map { _ in Tensor(zeros: [length, length]) }
    }

    var state: [(name: String, entry: StateEntry)] {
        var entries: [(name: String, entry: StateEntry)] = [("in_proj_weight", .parameter(inProjWeight))]
        if let inProjBias { entries.append(("in_proj_bias", .parameter(inProjBias))) }
        entries.append(("out_proj.weight", .parameter(outWeight)))
        if let outBias { entries.append(("out_proj.bias", .parameter(outBias))) }
        return entries
    }

    /// PyTorch's order: the constructor builds out_proj (a Linear: kaiming_uniform_ weight, then
    /// its uniform bias), then _reset_parameters draws xavier_uniform_ for in_proj_weight and
    /// sets both biases to zero (out_proj's bias was drawn, then zeroed).
    func initialize(_ generator: RandomGenerator) {
        Initialization.kaimingUniform(outWeight.value, fanIn: dim, generator: generator)
        if let outBias { Initialization.biasUniform(outBias.value, fanIn: dim, generator: generator) }
        Initialization.xavierUniform(inProjWeight.value, generator: generator)
        inProjBias?.value.fill(0)
        outBias?.value.fill(0)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let batch = checkInput(input, sampleCount: length * dim, layer: "attention \(dim) heads \(heads)")
        self.input = input
        let rows = batch * length, d = dim, t = length, hd = headDim
        // [Q K V] = x W_in^T + b_in; then Q *= scale, as q_scaled
        let proj = projection.view(batch: batch)
        let projData = UncheckedSendable(proj.data), scale = self.scale
        LinearKernels.forward(input.data, rows: rows, inFeatures: d, outFeatures: 3 * d, weight: inProjWeight.value.data,
                              bias: inProjBias?.value.data, into: proj.data) { range in
            lrs_scale_columns(projData.value, 3 * d, d, scale, range.lowerBound, range.upperBound)
        }
        let probs = probabilities.view(batch: batch)
        let o = attended.view(batch: batch)
        dropped = training && dropout > 0
        if dropped { drawDropoutMask(count: probs.count) }
        let keepScale = 1 / Float(1 - dropout)
        let causal = self.causal, heads = self.heads
        let rowCover = Self.rowCover(length: t, causal: causal)
        BLAS.useOneThread()
        keep.withUnsafeBufferPointer { keepBuffer in
            let p = UncheckedSendable((proj: proj.data, probs: probs.data, o: o.data, keep: keepBuffer.baseAddress,
                                       scratch: scratch.map(\.data), dropped: dropped))
            ParallelFor.run(count: batch * heads, workPerItem: 2 * t * t * hd) { chunk, range in
                for item in range {
                    let b = item / heads, h = item % heads
                    let base = p.value.proj + b * t * 3 * d + h * hd
                    let q = base, k = base + d, v = base + 2 * d
                    let pm = p.value.probs + item * t * t
                    // S = Q_scaled K^T, over the blocks the mask leaves (softmax zeroes the rest)
                    for (r, c) in rowCover {
                        BLAS.gemmStrided(transB: true, m: r.count, n: c.count, k: hd, a: q + r.lowerBound * 3 * d,
                                         lda: 3 * d, b: k + c.lowerBound * 3 * d, ldb: 3 * d,
                                         c: pm + r.lowerBound * t + c.lowerBound, ldc: t)
                    }
                    Self.softmaxRows(pm, rows: t, causal: causal)
                    var weights = UnsafePointer(pm)
                    if p.value.dropped, let keep = p.value.keep {
                        // P' = P * mask / (1 - p)
                        let w = p.value.scratch[2 * chunk]
                        let mask = keep + item * t * t
                        for i in 0..<(t * t) { w[i] = mask[i] != 0 ? pm[i] * keepScale : 0 }
                        weights = UnsafePointer(w)
                    }
                    // O = P' V, written into head h's columns of [T, D]; P' is 0 outside the cover
                    for (r, c) in rowCover {
                        BLAS.gemmStrided(m: r.count, n: hd, k: c.count, a: weights + r.lowerBound * t + c.lowerBound, lda: t,
                                         b: v + c.lowerBound * 3 * d, ldb: 3 * d,
                                         c: p.value.o + (b * t + r.lowerBound) * d + h * hd, ldc: d)
                    }
                }
            }
        }
        let y = output.view(batch: batch)
        LinearKernels.forward(o.data, rows: rows, inFeatures: d, outFeatures: d, weight: outWeight.value.data,
                              bias: outBias?.value.data, into: y.data)
        return y
    }

    /// As ATen's dropout on the weights (and the Dropout layer): bernoulli_(1 - p), one double
    /// uniform per element in storage order ([B, H, T, T], masked positions included), kept
    /// elements scaled by 1 / Float(1 - p); p = 1 drops all without drawing.
    private func drawDropoutMask(count: Int) {
        if keep.count < count { keep = [UInt8](repeating: 0, count: count) }
        if dropout >= 1 {
            for i in 0..<count { keep[i] = 0 }
            return
        }
        let keepProbability = 1 - dropout, generator = self.generator
        keep.withUnsafeMutableBufferPointer { k in
            for i in 0..<count { k[i] = generator.uniformDouble() < keepProbability ? 1 : 0 }
        }
    }

    /// Blocks (rows, columns) of a [T, T] score matrix that cover every position the mask
    /// leaves: with the causal mask, the top half of the rows sees only the first half of the
    /// columns, so a quarter of each per-head product is skipped. Products over a block sum
    /// the same nonzero terms in the same order as over the whole row (the skipped terms are
    /// exact zeros), so the results are those of the full products.
    static func rowCover(length t: Int, causal: Bool) -> [(rows: Range<Int>, columns: Range<Int>)] {
        let half = t / 2
        guard causal, half > 0 else { return [(0..<t, 0..<t)] }
        return [(0..<half, 0..<half), (half..<t, 0..<t)]
    }

    /// The same cover by columns (columns, rows), for the products that read the score
    /// matrix transposed: the first half of the columns has entries in every row, the second
    /// half only in the bottom half.
    static func columnCover(length t: Int, causal: Bool) -> [(columns: Range<Int>, rows: Range<Int>)] {
        let half = t / 2
        guard causal, half > 0 else { return [(0..<t, 0..<t)] }
        return [(0..<half, 0..<t), (half..<t, half..<t)]
    }

    /// Zeroes the block `rowCover` leaves out (top rows, right columns).
    static func zeroMasked(_ s: UnsafeMutablePointer<Float>, length t: Int) {
        let half = t / 2
        for row in 0..<half { (s + row * t + half).update(repeating: 0, count: t - half) }
    }

    /// softmax over each row: exp(s - max) * (1 / sum), as ATen's vectorised kernel; with the
    /// causal mask, positions after the row's own are -inf, so their probability is 0.
    static func softmaxRows(_ s: UnsafeMutablePointer<Float>, rows: Int, causal: Bool) {
        lrs_softmax_rows(s, rows, rows, causal ? 1 : 0)
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input else { preconditionFailure("attention: backward before forward") }
        let batch = input.shape[0], rows = batch * length, d = dim, t = length, hd = headDim
        precondition(outputGrad.count == rows * d,
                     "attention: output gradient of shape \(outputGrad.shape), expected \([batch, t, d])")
        let proj = projection.view(batch: batch), probs = probabilities.view(batch: batch)
        let o = attended.view(batch: batch)
        // out_proj: dW_out += dY^T O, db_out += sum of dY, dO = dY W_out
        linearBackward(outputGrad.data, input: o.data, rows: rows, inFeatures: d, outFeatures: d,
                       weight: outWeight, bias: outBias)
        let dO = attendedGrad.view(batch: batch)
        LinearKernels.inputGradient(outputGrad.data, rows: rows, inFeatures: d, outFeatures: d,
                                    weight: outWeight.value.data, into: dO.data)
        let dProj = projectionGrad.view(batch: batch)
        let keepScale = 1 / Float(1 - dropout), heads = self.heads, scale = self.scale
        let rowCover = Self.rowCover(length: t, causal: causal), columnCover = Self.columnCover(length: t, causal: causal)
        BLAS.useOneThread()
        keep.withUnsafeBufferPointer { keepBuffer in
            let p = UncheckedSendable((proj: proj.data, probs: probs.data, dO: dO.data, dProj: dProj.data,
                                       keep: keepBuffer.baseAddress, scratch: scratch.map(\.data), dropped: dropped))
            ParallelFor.run(count: batch * heads, workPerItem: 4 * t * t * hd) { chunk, range in
                for item in range {
                    let b = item / heads, h = item % heads
                    let offset = b * t * 3 * d + h * hd
                    let q = p.value.proj + offset, k = q + d, v = q + 2 * d
                    let dq = p.value.dProj + offset, dk = dq + d, dv = dq + 2 * d
                    let dOh = p.value.dO + b * t * d + h * hd
                    let pm = p.value.probs + item * t * t
                    let dP = p.value.scratch[2 * chunk]
                    // dP' = dO V^T over the cover; 0 elsewhere (where P is 0, so dS is too)
                    if causal { Self.zeroMasked(dP, length: t) }
                    for (r, c) in rowCover {
                        BLAS.gemmStrided(transB: true, m: r.count, n: c.count, k: hd, a: dOh + r.lowerBound * d, lda: d,
                                         b: v + c.lowerBound * 3 * d, ldb: 3 * d, c: dP + r.lowerBound * t + c.lowerBound,
                                         ldc: t)
                    }
                    var weights = UnsafePointer(pm)
                    if p.value.dropped, let keep = p.value.keep {
                        let w = p.value.scratch[2 * chunk + 1]
                        let mask = keep + item * t * t
                        for i in 0..<(t * t) {
                            let m: Float = mask[i] != 0 ? keepScale : 0
                            w[i] = pm[i] * m
                            // dP = dP' * mask / (1 - p)
                            dP[i] *= m
                        }
                        weights = UnsafePointer(w)
                    }
                    // dV = P'^T dO
                    for (c, r) in columnCover {
                        BLAS.gemmStrided(transA: true, m: c.count, n: hd, k: r.count, a: weights + r.lowerBound * t + c.lowerBound,
                                         lda: t, b: dOh + r.lowerBound * d, ldb: d, c: dv + c.lowerBound * 3 * d, ldc: 3 * d)
                    }
                    // softmax'(s): dS = P * (dP - sum_j dP_j P_j) per row
                    lrs_softmax_backward_rows(pm, dP, t, t)
                    // S = Q_s K^T: dQ = scale * dS K (through Q_s = scale Q), dK = dS^T Q_s
                    for (r, c) in rowCover {
                        BLAS.gemmStrided(m: r.count, n: hd, k: c.count, alpha: scale, a: dP + r.lowerBound * t + c.lowerBound,
                                         lda: t, b: k + c.lowerBound * 3 * d, ldb: 3 * d, c: dq + r.lowerBound * 3 * d,
                                         ldc: 3 * d)
                    }
                    for (c, r) in columnCover {
                        BLAS.gemmStrided(transA: true, m: c.count, n: hd, k: r.count, a: dP + r.lowerBound * t + c.lowerBound,
                                         lda: t, b: q + r.lowerBound * 3 * d, ldb: 3 * d, c: dk + c.lowerBound * 3 * d,
                                         ldc: 3 * d)
                    }
                }
            }
        }
        // in_proj: dW_in += dProj^T X, db_in += sum of dProj, dX = dProj W_in
        linearBackward(dProj.data, input: input.data, rows: rows, inFeatures: d, outFeatures: 3 * d,
                       weight: inProjWeight, bias: inProjBias)
        guard needsInputGrad else { return nil }
        let dx = inputGrad.view(batch: batch)
        LinearKernels.inputGradient(dProj.data, rows: rows, inFeatures: d, outFeatures: 3 * d,
                                    weight: inProjWeight.value.data, into: dx.data)
        return dx
    }

    // y = x W^T + b: dL/dW += dY^T X, dL/db += sum over rows of dY
    private func linearBackward(_ dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, rows: Int,
                                inFeatures: Int, outFeatures: Int, weight: Parameter, bias: Parameter?) {
        LinearKernels.parameterGradients(dy, input: x, rows: rows, inFeatures: inFeatures, outFeatures: outFeatures,
                                         weightGrad: weight.requiresGrad ? weight.grad.data : nil,
                                         biasGrad: bias.flatMap { $0.requiresGrad ? $0.grad.data : nil })
    }
}
