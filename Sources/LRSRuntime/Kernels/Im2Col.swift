/// The geometry of a square-kernel 2-D convolution or pooling window over one [C, H, W] plane
/// stack, and the im2col / col2im transforms that turn a convolution into a matrix product.
struct ConvGeometry {
    let channels: Int
    let height: Int
    let width: Int
    let kernel: Int
    let stride: Int
    let padding: Int

    var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Rows of the column matrix: C * K * K.
    var patchSize: Int { channels * kernel * kernel }
    /// Columns of the column matrix: output positions.
    var positions: Int { outHeight * outWidth }
    /// A 1x1 kernel with stride 1 and no padding: the input [C, H*W] is its own column matrix.
    var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }

    /// col[(c*K + ki)*K + kj][oh*OW + ow] = x[c][oh*S - P + ki][ow*S - P + kj], 0 outside.
    func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        let oh = outHeight, ow = outWidth
        for c in 0..<channels {
            let plane = x + c * height * width
            for ki in 0..<kernel {
                for kj in 0..<kernel {
                    let row = col + ((c * kernel + ki) * kernel + kj) * oh * ow
                    // Output columns whose input column lies inside the image: lo..<hi.
                    let lo = Swift.min(ow, Swift.max(0, (padding - kj + stride - 1) / stride))
                    let hi = Swift.max(lo, Swift.min(ow, (width + padding - kj + stride - 1) / stride))
                    for y in 0..<oh {
                        let dst = row + y * ow
                        let iy = y * stride - padding + ki
                        guard iy >= 0, iy < height else {
                            dst.update(repeating: 0, count: ow)
                            continue
                        }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        let src = plane + iy * width - padding + kj
                        if stride == 1 {
                            VectorKernels.copy(src + lo, dst + lo, hi - lo)
                        } else {
                            for xo in lo..<hi { dst[xo] = src[xo * stride] }
                        }
                        if hi < ow { (dst + hi).update(repeating: 0, count: ow - hi) }
                    }
                }
            }
        }
    }

    /// The adjoint of im2col: dx[c][iy][ix] += dcol at every column position that read it.
    /// `dx` must be zeroed (or hold what to add to) beforehand.
    func col2im(_ col: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let oh = outHeight, ow = outWidth
        for c in 0..<channels {
            let plane = dx + c * height * width
            for ki in 0..<kernel {
                for kj in 0..<kernel {
                    let row = col + ((c * kernel + ki) * kernel + kj) * oh * ow
                    let lo = Swift.min(ow, Swift.max(0, (padding - kj + stride - 1) / stride))
                    let hi = Swift.max(lo, Swift.min(ow, (width + padding - kj + stride - 1) / stride))
                    for y in 0..<oh {
                        let iy = y * stride - padding + ki
                        guard iy >= 0, iy < height else { continue }
                        let src = row + y * ow
                        let dst = plane + iy * width - padding + kj
                        if stride == 1 {
                            for xo in lo..<hi { dst[xo] += src[xo] }
                        } else {
                            for xo in lo..<hi { dst[xo * stride] += src[xo] }
                        }
                    }
                }
            }
        }
    }
}
