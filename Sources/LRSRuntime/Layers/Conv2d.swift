/// `nn.Conv2d` with a square kernel: y[b] = W col(x[b]) + bias, W viewed as [O, C*K*K] and
/// col(x[b]) the [C*K*K, OH*OW] im2col matrix, so each sample is one matrix product.
///
/// A column matrix exists for one sample at a time, per core, in cache (the whole batch's
/// would be 9x the input, tens of MB a layer): backward builds each sample's again for the
/// weight gradient, which costs less than streaming it from memory. Samples are split
/// across the cores (one BLAS thread each): the per-sample products are small, which
/// OpenBLAS runs best single-threaded.
final class Conv2d: Layer {
    let geometry: ConvGeometry
    let outChannels: Int
    let weight: Parameter
    let bias: Parameter?
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    /// Per-chunk scratch: a partial weight/bias gradient, a column matrix (forward's, then
    /// backward's and its gradient in turn) and a masked output gradient.
    private var scratch: [Tensor] = []
    private var input: Tensor?
    private var result: Tensor?
    /// Set by `Sequential` when a relu follows: y = relu(conv(x)) is computed per sample while
    /// the sample's output is in cache, and backward masks dY by y > 0 the same way.
    var fusedReLU = false

    init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
         inputShape: [Int]) {
        geometry = ConvGeometry(channels: inChannels, height: inputShape[1], width: inputShape[2],
                                kernel: kernel, stride: stride, padding: padding)
        self.outChannels = outChannels
        weight = Parameter(shape: [outChannels, inChannels, kernel, kernel])
        self.bias = bias ? Parameter(shape: [outChannels]) : nil
        output = BatchBuffer(sampleShape: [outChannels, geometry.outHeight, geometry.outWidth])
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
    }

    var state: [(name: String, entry: StateEntry)] {
        [("weight", .parameter(weight))] + (bias.map { [("bias", .parameter($0))] } ?? [])
    }

    /// PyTorch's _ConvNd.reset_parameters: fan_in = C * K * K, weight then bias.
    func initialize(_ generator: RandomGenerator) {
        Initialization.kaimingUniform(weight.value, fanIn: geometry.patchSize, generator: generator)
        if let bias { Initialization.biasUniform(bias.value, fanIn: geometry.patchSize, generator: generator) }
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let g = geometry
        let batch = checkInput(input, sampleCount: g.channels * g.height * g.width,
                               layer: "conv \(g.channels) \(outChannels) \(g.kernel)")
        self.input = input
        let y = output.view(batch: batch)
        result = y
        let fusedReLU = self.fusedReLU
        let inSize = g.channels * g.height * g.width, outSize = outChannels * g.positions
        let parts = UncheckedSendable(chunkScratch().map { $0.data + columnOffset })
        let p = UncheckedSendable((x: input.data, y: y.data, w: weight.value.data, b: bias?.value.data))
        let threads = ParallelFor.splits(count: batch, workPerItem: outSize * g.patchSize) ? 1 : nil
        ParallelFor.run(count: batch, workPerItem: outSize * g.patchSize) { chunk, range in
            for s in range {
                // A pointwise conv's column matrix is the sample itself.
                let x = p.value.x + s * inSize, out = p.value.y + s * outSize
                let col = g.isPointwise ? x : parts.value[chunk]
                if !g.isPointwise { g.im2col(x, into: parts.value[chunk]) }
                if let b = p.value.b {
                    for o in 0..<self.outChannels { (out + o * g.positions).update(repeating: b[o], count: g.positions) }
                }
                BLAS.gemm(m: self.outChannels, n: g.positions, k: g.patchSize, a: p.value.w, b: col,
                          beta: p.value.b == nil ? 0 : 1, c: out, threads: threads)
                if fusedReLU { VectorKernels.relu(out, out, 0..<outSize) }
            }
        }
        return y
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard let input else { preconditionFailure("conv: backward before forward") }
        let g = geometry, batch = input.shape[0]
        precondition(outputGrad.shape == [batch, outChannels, g.outHeight, g.outWidth],
                     "conv: output gradient of shape \(outputGrad.shape), expected \([batch, outChannels, g.outHeight, g.outWidth])")
        let wantWeight = weight.requiresGrad, wantBias = bias?.requiresGrad ?? false
        let dx = needsInputGrad ? inputGrad.view(batch: batch) : nil
        guard wantWeight || wantBias || dx != nil else { return nil }
        let outSize = outChannels * g.positions, colSize = g.patchSize * g.positions
        let inSize = g.channels * g.height * g.width
        let weightSize = outChannels * g.patchSize
        let chunks = ParallelFor.splits(count: batch, workPerItem: outSize * g.patchSize * 2) ? ParallelFor.width : 1
        let parts = UncheckedSendable(chunkScratch().map { $0.data })
        let p = UncheckedSendable((dy: outputGrad.data, x: input.data,
                                   w: weight.value.data, dx: dx?.data, y: result?.data))
        let fusedReLU = self.fusedReLU
        let threads = chunks > 1 ? 1 : nil
        ParallelFor.run(count: batch, workPerItem: outSize * g.patchSize * 2) { chunk, range in
            // [dW partial | db partial | col, then dcol | masked dY]
            let dw = parts.value[chunk], db = dw + weightSize, dcol = db + outChannels, masked = dcol + colSize
            dw.update(repeating: 0, count: weightSize + outChannels)
            for s in range {
                var dy = UnsafePointer(p.value.dy + s * outSize)
                // relu'(z) = 1 where relu(z) > 0
                if fusedReLU, let y = p.value.y {
                    VectorKernels.reluBackward(y + s * outSize, dy, masked, 0..<outSize)
                    dy = UnsafePointer(masked)
                }
                // dL/dW += dY[s] col[s]^T
                if wantWeight {
                    let x = p.value.x + s * inSize
                    if !g.isPointwise { g.im2col(x, into: dcol) }
                    BLAS.gemm(transB: true, m: self.outChannels, n: g.patchSize, k: g.positions, a: dy,
                              b: UnsafePointer(g.isPointwise ? x : dcol), beta: 1, c: dw, threads: threads)
                }
                // dL/db += sum over positions of dY[s]
                if wantBias {
                    for o in 0..<self.outChannels { db[o] += VectorKernels.sum(dy + o * g.positions, g.positions) }
                }
                // dL/dx[s] = col2im(W^T dY[s])
                if let dx = p.value.dx {
                    let dxs = dx + s * inSize
                    BLAS.gemm(transA: true, m: g.patchSize, n: g.positions, k: self.outChannels, a: p.value.w,
                              b: dy, c: g.isPointwise ? dxs : dcol, threads: threads)
                    if !g.isPointwise {
                        dxs.update(repeating: 0, count: inSize)
                        g.col2im(dcol, into: dxs)
                    }
                }
            }
        }
        for chunk in 0..<chunks {
            let part = scratch[chunk].data
            if wantWeight { VectorKernels.add(part, into: weight.grad.data, weightSize) }
            if wantBias, let bias { for o in 0..<outChannels { bias.grad.data[o] += part[weightSize + o] } }
        }
        return dx
    }

    /// Where a chunk's column matrix starts in its scratch.
    private var columnOffset: Int { outChannels * geometry.patchSize + outChannels }

    /// One scratch buffer per chunk a parallel loop may use, allocated on first use.
    private func chunkScratch() -> [Tensor] {
        if scratch.isEmpty {
            let g = geometry, outSize = outChannels * g.positions
            let size = columnOffset + g.patchSize * g.positions + outSize
            scratch = (0..<ParallelFor.width).map { _ in Tensor(zeros: [size]) }
        }
        return scratch
    }
}
