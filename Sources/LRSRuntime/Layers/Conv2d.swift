import CRuntimeKernels

/// `nn.Conv2d` with a square kernel: y[b] = W col(x[b]) + bias, W viewed as [O, C*K*K] and
/// col(x[b]) the [C*K*K, OH*OW] im2col matrix, so each sample is one matrix product.
///
/// A column matrix exists for one sample at a time, per core, in cache (the whole batch's
/// would be 9x the input, tens of MB a layer): backward builds each sample's again for the
/// weight gradient, which costs less than streaming it from memory. Samples are split
/// across the cores (one BLAS thread each): the per-sample products are small, which
/// OpenBLAS runs best single-threaded.
///
/// A stride-1 layer whose input gradient is wanted runs backward on the output gradient's
/// columns instead (see `backwardThroughOutputColumns`): one column matrix per sample serves
/// both products, and the input gradient is a plain product, with no col2im. A stride-1
/// "same" layer (odd kernel, padding (K-1)/2) on an AVX-512 machine skips the column matrix
/// for that product and for the forward: `lrs_direct_conv` reads the image itself. A 3x3 layer
/// with stride 2 and padding 1 runs on the same kernels over its input split into four
/// phases (even/odd rows and columns), on which every tap is a shifted read.
final class Conv2d: Layer {
    /// Whether this machine runs the direct kernel.
    static let directKernelAvailable = lrs_direct_conv_supported() != 0

    let geometry: ConvGeometry
    let outChannels: Int
    let weight: Parameter
    let bias: Parameter?
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    /// Per-chunk scratch: a partial weight/bias gradient, a column matrix (forward's, then
    /// backward's and its gradient in turn) and a masked output gradient.
    private var scratch: [Tensor] = []
    /// The weight flipped and transposed for `backwardThroughOutputColumns`, made on first use.
    private var flippedWeight: Tensor?
    /// Whether forward and backward use the direct kernels (tests build layers without them
    /// to compare with the column-matrix path); their lane masks, fixed by the geometry; the
    /// packed weights, made on first use.
    let usesDirectKernel: Bool
    /// Whether forward and backward use the stride-2 kernels (`lrs_conv_s2`), and the phases
    /// of the last forward's input (kept for the weight gradient) and of the input gradient.
    let usesStrideTwoKernel: Bool
    /// Whether backward runs on the direct kernels (3x3 same-size, or stride 2): then it needs
    /// no column matrix.
    private let backwardIsDirect: Bool
    private lazy var inputPhases = BatchBuffer(sampleShape: [4 * geometry.channels * geometry.positions])
    private lazy var inputGradPhases = BatchBuffer(sampleShape: [4 * geometry.channels * geometry.positions])
    private let tapMasks: UnsafeMutablePointer<UInt16>
    private var packedWeight: Tensor?
    private var input: Tensor?
    private var result: Tensor?
    /// Set by `Sequential` when a relu follows: y = relu(conv(x)) is computed per sample while
    /// the sample's output is in cache, and backward masks dY by y > 0 the same way.
    var fusedReLU = false

    init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int, bias: Bool,
         inputShape: [Int], directKernel: Bool = Conv2d.directKernelAvailable) {
        geometry = ConvGeometry(channels: inChannels, height: inputShape[1], width: inputShape[2],
                                kernel: kernel, stride: stride, padding: padding)
        self.outChannels = outChannels
        weight = Parameter(shape: [outChannels, inChannels, kernel, kernel])
        self.bias = bias ? Parameter(shape: [outChannels]) : nil
        output = BatchBuffer(sampleShape: [outChannels, geometry.outHeight, geometry.outWidth])
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
        // Asked for and there to run: without AVX-512 the direct kernels do nothing.
        let direct = directKernel && Self.directKernelAvailable
        usesDirectKernel = direct && geometry.isSameStrideOne
        usesStrideTwoKernel = direct && kernel == 3 && stride == 2 && padding == 1
        backwardIsDirect = (usesDirectKernel && kernel == 3) || usesStrideTwoKernel
        let g = geometry
        let maskCount = usesDirectKernel ? lrs_direct_conv_mask_count(g.height, g.width, kernel)
            : usesStrideTwoKernel ? lrs_conv_s2_mask_count(g.outHeight, g.outWidth) : 0
        tapMasks = .allocate(capacity: maskCount)
        if usesDirectKernel { lrs_direct_conv_masks(g.height, g.width, kernel, tapMasks) }
        if usesStrideTwoKernel { lrs_conv_s2_masks(g.outHeight, g.outWidth, tapMasks) }
    }

    deinit { tapMasks.deallocate() }

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
        if usesDirectKernel {
            let direct = UncheckedSendable((packed: UnsafePointer(packWeight(transposed: false).data),
                                            masks: UnsafePointer(tapMasks)))
            let outChannels = self.outChannels
            ParallelFor.run(count: batch, workPerItem: outSize * g.patchSize) { _, range in
                let out = p.value.y + range.lowerBound * outSize
                lrs_direct_conv(p.value.x + range.lowerBound * inSize, direct.value.packed, p.value.b, out, range.count,
                                g.channels, g.height, g.width, outChannels, g.kernel, direct.value.masks)
                if fusedReLU { VectorKernels.relu(out, out, 0..<(range.count * outSize)) }
            }
            return y
        }
        if usesStrideTwoKernel {
            let direct = UncheckedSendable((packed: UnsafePointer(packWeight(transposed: false).data),
                                            masks: UnsafePointer(tapMasks), phases: inputPhases.view(batch: batch).data))
            let outChannels = self.outChannels, phaseSize = 4 * g.channels * g.positions
            ParallelFor.run(count: batch, workPerItem: outSize * g.patchSize) { _, range in
                let out = p.value.y + range.lowerBound * outSize, phases = direct.value.phases + range.lowerBound * phaseSize
                lrs_conv_s2_phases(p.value.x + range.lowerBound * inSize, phases, range.count, g.channels, g.height, g.width,
                                   g.outHeight, g.outWidth)
                lrs_conv_s2(phases, direct.value.packed, p.value.b, out, range.count, g.channels, outChannels,
                            g.outHeight, g.outWidth, direct.value.masks)
                if fusedReLU { VectorKernels.relu(out, out, 0..<(range.count * outSize)) }
            }
            return y
        }
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
        if backwardIsDirect {
            backwardDirect(outputGrad, input: input, dx: dx, wantWeight: wantWeight, wantBias: wantBias)
            return dx
        }
        if let dx, let transposed = g.transposedForStrideOne(outChannels: outChannels) {
            backwardThroughOutputColumns(outputGrad, input: input, dx: dx, transposed: transposed,
                                         wantWeight: wantWeight, wantBias: wantBias)
            return dx
        }
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
                let dy = Self.sampleGrad(p.value.dy, reluOutput: fusedReLU ? p.value.y : nil, sample: s, size: outSize,
                                         masked: masked)
                // dL/dW += dY[s] col[s]^T
                if wantWeight {
                    let x = p.value.x + s * inSize
                    if !g.isPointwise { g.im2col(x, into: dcol) }
                    BLAS.gemm(transB: true, m: self.outChannels, n: g.patchSize, k: g.positions, a: dy,
                              b: UnsafePointer(g.isPointwise ? x : dcol), beta: 1, c: dw, threads: threads)
                }
                if wantBias { Self.addBiasGrad(dy, samples: 1, channels: self.outChannels, positions: g.positions, into: db) }
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
            if wantBias, let bias { VectorKernels.add(part + weightSize, into: bias.grad.data, outChannels) }
        }
        return dx
    }

    /// Backward of a stride-1 layer through the output gradient's column matrix. With
    /// K' = K - 1 - P and the kernel flipped, W'[c][(o, ki, kj)] = W[o][c][K-1-ki][K-1-kj],
    ///   dx[s] = W' col'(dY[s])          (the input gradient is a convolution of dY)
    ///   dW'  += x[s] col'(dY[s])^T      (the same sums as dY[s] col(x[s])^T, by position of x)
    /// where col' is im2col of dY[s] with padding K' (`transposed`), whose output positions
    /// are the input's. Each sample takes one im2col and two products, where the general path
    /// takes im2col, the weight product, a thin `W^T dY` (k = O) and col2im.
    private func backwardThroughOutputColumns(_ outputGrad: Tensor, input: Tensor, dx: Tensor,
                                              transposed t: ConvGeometry, wantWeight: Bool, wantBias: Bool) {
        let g = geometry, batch = input.shape[0]
        let outSize = outChannels * g.positions, inSize = g.channels * g.height * g.width
        let weightSize = outChannels * g.patchSize, flatKernel = g.kernel * g.kernel
        let packed = usesDirectKernel ? UnsafePointer(packWeight(transposed: true).data) : nil
        // The direct kernel reads the packed weight; the product, the weight flipped.
        let flipped = packed == nil ? flippedWeightBuffer() : nil
        if let flipped {
            for o in 0..<outChannels {
                for c in 0..<g.channels {
                    let source = weight.value.data + (o * g.channels + c) * flatKernel
                    let target = flipped.data + (c * outChannels + o) * flatKernel
                    for k in 0..<flatKernel { target[flatKernel - 1 - k] = source[k] }
                }
            }
        }
        let work = outSize * g.patchSize * 2
        let chunks = ParallelFor.splits(count: batch, workPerItem: work) ? ParallelFor.width : 1
        let parts = UncheckedSendable(chunkScratch().map { $0.data })
        let p = UncheckedSendable((dy: outputGrad.data, x: input.data, w: flipped.map { UnsafePointer($0.data) },
                                   dx: dx.data, y: result?.data, packed: packed))
        let fusedReLU = self.fusedReLU, outChannels = self.outChannels
        let threads = chunks > 1 ? 1 : nil
        let masks = UnsafePointer(tapMasks)
        ParallelFor.run(count: batch, workPerItem: work) { chunk, range in
            // [dW' partial | db partial | col' | masked dY]
            let dw = parts.value[chunk], db = dw + weightSize, col = db + outChannels
            let masked = col + columnCapacity
            dw.update(repeating: 0, count: weightSize + outChannels)
            for s in range {
                let dy = Self.sampleGrad(p.value.dy, reluOutput: fusedReLU ? p.value.y : nil, sample: s, size: outSize,
                                         masked: masked)
                if wantWeight || p.value.packed == nil { t.im2col(dy, into: col) }
                if wantWeight {
                    BLAS.gemm(transB: true, m: g.channels, n: t.patchSize, k: t.positions, a: p.value.x + s * inSize,
                              b: col, beta: 1, c: dw, threads: threads)
                }
                if wantBias { Self.addBiasGrad(dy, samples: 1, channels: outChannels, positions: g.positions, into: db) }
                if let packed = p.value.packed {
                    lrs_direct_conv(dy, packed, nil, p.value.dx + s * inSize, 1, outChannels, g.outHeight, g.outWidth,
                                    g.channels, g.kernel, masks)
                } else if let w = p.value.w {
                    BLAS.gemm(m: g.channels, n: t.positions, k: t.patchSize, a: w, b: col,
                              c: p.value.dx + s * inSize, threads: threads)
                }
            }
        }
        for chunk in 0..<chunks {
            let part = scratch[chunk].data
            if wantWeight {
                // dW[o][c][k] = dW'[c][o][K*K - 1 - k]
                let grad = weight.grad.data
                for o in 0..<outChannels {
                    for c in 0..<g.channels {
                        let source = part + (c * outChannels + o) * flatKernel
                        let target = grad + (o * g.channels + c) * flatKernel
                        for k in 0..<flatKernel { target[k] += source[flatKernel - 1 - k] }
                    }
                }
            }
            if wantBias, let bias { VectorKernels.add(part + weightSize, into: bias.grad.data, outChannels) }
        }
    }

    /// Backward of a 3x3 "same" layer by the direct kernels, per chunk of samples: the weight
    /// gradient from x and dY themselves, and dx = conv(dY) with the flipped kernel (dx[c] =
    /// sum over o, ki, kj of W[o][c][2-ki][2-kj] dY[o][y+ki-1][x+kj-1]): no column matrix. A
    /// stride-2 layer's the same way on the phases: the weight gradient from the forward's
    /// input phases, the input gradient phase by phase, then interleaved.
    private func backwardDirect(_ outputGrad: Tensor, input: Tensor, dx: Tensor?, wantWeight: Bool, wantBias: Bool) {
        let g = geometry, batch = input.shape[0]
        let outSize = outChannels * g.positions, inSize = g.channels * g.height * g.width
        let weightSize = outChannels * g.patchSize
        let packed = dx == nil ? nil : UnsafePointer(packWeight(transposed: true).data)
        let work = outSize * g.patchSize * 2
        let chunks = ParallelFor.splits(count: batch, workPerItem: work) ? ParallelFor.width : 1
        let parts = UncheckedSendable(chunkScratch().map { $0.data })
        let strideTwo = usesStrideTwoKernel, phaseSize = 4 * g.channels * g.positions
        let p = UncheckedSendable((dy: outputGrad.data, x: input.data, dx: dx?.data, y: result?.data,
                                   packed: packed, masks: UnsafePointer(tapMasks),
                                   phases: strideTwo ? UnsafePointer(inputPhases.view(batch: batch).data) : nil,
                                   gradPhases: strideTwo && dx != nil ? inputGradPhases.view(batch: batch).data : nil))
        let fusedReLU = self.fusedReLU, outChannels = self.outChannels, columnCapacity = self.columnCapacity
        ParallelFor.run(count: batch, workPerItem: work) { chunk, range in
            // [dW partial | db partial | (no column matrix) | masked dY]
            let dw = parts.value[chunk], db = dw + weightSize, masked = db + outChannels + columnCapacity
            dw.update(repeating: 0, count: weightSize + outChannels)
            // With a fused relu, one sample at a time through the masked buffer.
            let step = fusedReLU ? 1 : range.count
            for first in stride(from: range.lowerBound, to: range.upperBound, by: step) {
                let count = Swift.min(step, range.upperBound - first)
                let dy = Self.sampleGrad(p.value.dy, reluOutput: fusedReLU ? p.value.y : nil, sample: first, size: outSize,
                                         masked: masked)
                if wantWeight, let phases = p.value.phases {
                    lrs_conv_s2_weight_grad(phases + first * phaseSize, dy, count, g.channels, outChannels, g.outHeight,
                                            g.outWidth, p.value.masks, dw)
                } else if wantWeight {
                    lrs_direct_conv_weight_grad3(p.value.x + first * inSize, dy, count, g.channels, g.height, g.width,
                                                 outChannels, p.value.masks, dw)
                }
                if wantBias { Self.addBiasGrad(dy, samples: count, channels: outChannels, positions: g.positions, into: db) }
                if let dx = p.value.dx, let packed = p.value.packed, let gradPhases = p.value.gradPhases {
                    lrs_conv_s2_input_grad(dy, packed, gradPhases + first * phaseSize, count, g.channels, outChannels,
                                           g.outHeight, g.outWidth, p.value.masks)
                    lrs_conv_s2_unphase(gradPhases + first * phaseSize, dx + first * inSize, count, g.channels,
                                        g.height, g.width, g.outHeight, g.outWidth)
                } else if let dx = p.value.dx, let packed = p.value.packed {
                    lrs_direct_conv(dy, packed, nil, dx + first * inSize, count, outChannels, g.height, g.width,
                                    g.channels, g.kernel, p.value.masks)
                }
            }
        }
        for chunk in 0..<chunks {
            let part = scratch[chunk].data
            if wantWeight { VectorKernels.add(part, into: weight.grad.data, weightSize) }
            if wantBias, let bias { VectorKernels.add(part + weightSize, into: bias.grad.data, outChannels) }
        }
    }

    /// The weight packed for `lrs_direct_conv`: as it is, or (`transposed`) as the kernel of
    /// the input gradient, C outputs from O inputs.
    private func packWeight(transposed: Bool) -> Tensor {
        let g = geometry
        // Room for either packing, made once.
        let packed: Tensor
        if let existing = packedWeight {
            packed = existing
        } else {
            packed = Tensor(zeros: [Swift.max(lrs_direct_conv_packed_size(g.channels, outChannels, g.kernel),
                                              lrs_direct_conv_packed_size(outChannels, g.channels, g.kernel))])
            packedWeight = packed
        }
        if transposed && usesStrideTwoKernel {
            lrs_conv_s2_pack_input_grad(weight.value.data, packed.data, outChannels, g.channels)
        } else {
            lrs_direct_conv_pack(weight.value.data, packed.data, outChannels, g.channels, g.kernel, transposed ? 1 : 0)
        }
        return packed
    }

    private func flippedWeightBuffer() -> Tensor {
        if let flippedWeight { return flippedWeight }
        let made = Tensor(zeros: [weight.value.count])
        flippedWeight = made
        return made
    }

    /// Where a chunk's column matrix starts in its scratch.
    private var columnOffset: Int { outChannels * geometry.patchSize + outChannels }

    /// Room for either column matrix (the input's, or the output gradient's when stride 1);
    /// none for a layer the direct kernels run.
    private var columnCapacity: Int {
        let g = geometry
        if backwardIsDirect { return 0 }
        let transposed = g.transposedForStrideOne(outChannels: outChannels).map { $0.patchSize * $0.positions } ?? 0
        return Swift.max(g.patchSize * g.positions, transposed)
    }

    /// One scratch buffer per chunk a parallel loop may use, allocated on first use.
    private func chunkScratch() -> [Tensor] {
        if scratch.isEmpty {
            let outSize = outChannels * geometry.positions
            let size = columnOffset + columnCapacity + outSize
            scratch = (0..<ParallelFor.width).map { _ in Tensor(zeros: [size]) }
        }
        return scratch
    }

    /// dL/db += the sum over positions of dY, for `samples` samples of `channels` x `positions`
    /// from `dy`: the bias gradient of every backward path.
    private static func addBiasGrad(_ dy: UnsafePointer<Float>, samples: Int, channels: Int, positions: Int,
                                    into db: UnsafeMutablePointer<Float>) {
        for s in 0..<samples {
            for o in 0..<channels { db[o] += VectorKernels.sum(dy + (s * channels + o) * positions, positions) }
        }
    }

    /// Sample `s`'s output gradient as the backward passes read it: with a fused relu, masked
    /// into `masked` (relu'(z) = 1 where relu(z) > 0), else the sample's own rows.
    private static func sampleGrad(_ dy: UnsafeMutablePointer<Float>, reluOutput y: UnsafeMutablePointer<Float>?,
                                   sample s: Int, size: Int, masked: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        guard let y else { return UnsafePointer(dy + s * size) }
        VectorKernels.reluBackward(y + s * size, dy + s * size, masked, 0..<size)
        return UnsafePointer(masked)
    }
}
