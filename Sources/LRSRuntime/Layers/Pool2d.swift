/// `nn.MaxPool2d` and `nn.AvgPool2d` with a square window, no padding, floor rounding.
enum PoolKind {
    case max, average
}

final class Pool2d: Layer {
    let kind: PoolKind
    let geometry: ConvGeometry
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    /// For max pooling, the winning position of each output within its input plane.
    private var argmax: [Int32] = []
    private var input: Tensor?

    init(_ kind: PoolKind, kernel: Int, stride: Int, inputShape: [Int]) {
        self.kind = kind
        geometry = ConvGeometry(channels: inputShape[0], height: inputShape[1], width: inputShape[2],
                                kernel: kernel, stride: stride, padding: 0)
        output = BatchBuffer(sampleShape: [inputShape[0], geometry.outHeight, geometry.outWidth])
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let g = geometry
        let batch = checkInput(input, sampleCount: g.channels * g.height * g.width, layer: "\(kind)pool")
        self.input = input
        let y = output.view(batch: batch)
        let planes = batch * g.channels, inPlane = g.height * g.width, outPlane = g.positions
        if kind == .max, argmax.count < planes * outPlane { argmax = [Int32](repeating: 0, count: planes * outPlane) }
        let k = g.kernel, s = g.stride, ow = g.outWidth, w = g.width, kind = self.kind
        let divisor = Float(k * k)
        argmax.withUnsafeMutableBufferPointer { arg in
            let p = UncheckedSendable((x: input.data, y: y.data, arg: arg.baseAddress))
            ParallelFor.run(count: planes, workPerItem: outPlane * k * k) { _, range in
                for plane in range {
                    let x = p.value.x + plane * inPlane, out = p.value.y + plane * outPlane
                    for oy in 0..<g.outHeight {
                        for ox in 0..<ow {
                            let start = oy * s * w + ox * s
                            if kind == .max {
                                // First maximum in scan order wins; a NaN propagates (as ATen).
                                var best = -Float.infinity, at = start
                                for ki in 0..<k {
                                    for kj in 0..<k {
                                        let idx = start + ki * w + kj, v = x[idx]
                                        if v > best || v.isNaN { best = v; at = idx }
                                    }
                                }
                                out[oy * ow + ox] = best
                                p.value.arg?[plane * outPlane + oy * ow + ox] = Int32(truncatingIfNeeded: at)
                            } else {
                                var sum: Float = 0
                                for ki in 0..<k { for kj in 0..<k { sum += x[start + ki * w + kj] } }
                                out[oy * ow + ox] = sum / divisor
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        guard needsInputGrad else { return nil }
        guard let input else { preconditionFailure("pool: backward before forward") }
        let g = geometry, batch = input.shape[0]
        precondition(outputGrad.shape == [batch, g.channels, g.outHeight, g.outWidth],
                     "pool: output gradient of shape \(outputGrad.shape), expected \([batch, g.channels, g.outHeight, g.outWidth])")
        let dx = inputGrad.view(batch: batch)
        dx.fill(0)
        let planes = batch * g.channels, inPlane = g.height * g.width, outPlane = g.positions
        let k = g.kernel, s = g.stride, ow = g.outWidth, w = g.width, kind = self.kind
        let divisor = Float(k * k)
        argmax.withUnsafeBufferPointer { arg in
            let p = UncheckedSendable((dy: outputGrad.data, dx: dx.data, arg: arg.baseAddress))
            ParallelFor.run(count: planes, workPerItem: outPlane * k * k) { _, range in
                for plane in range {
                    let dxp = p.value.dx + plane * inPlane, dyp = p.value.dy + plane * outPlane
                    if kind == .max, let arg = p.value.arg {
                        // max'(x) routes dy to the winning position only
                        for o in 0..<outPlane { dxp[Int(arg[plane * outPlane + o])] += dyp[o] }
                    } else {
                        // avg'(x) spreads dy / K^2 over the window
                        for oy in 0..<g.outHeight {
                            for ox in 0..<ow {
                                let v = dyp[oy * ow + ox] / divisor, start = oy * s * w + ox * s
                                for ki in 0..<k { for kj in 0..<k { dxp[start + ki * w + kj] += v } }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
