import CRuntimeKernels

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

    /// Stride 1, an odd kernel from 3 to 7 and padding (K-1)/2: the output is the input's
    /// size, which `lrs_direct_conv` computes without a column matrix (a 1x1 layer needs none).
    var isSameStrideOne: Bool {
        stride == 1 && kernel % 2 == 1 && kernel >= 3 && kernel <= 7 && padding == (kernel - 1) / 2
    }

    /// For a stride-1 convolution with a kernel wider than 1 (and padding below the kernel):
    /// the geometry of im2col over its [outChannels, OH, OW] output gradient with padding
    /// K - 1 - P, whose output positions are this layer's input positions. Its column matrix
    /// times the flipped kernel is the input gradient.
    func transposedForStrideOne(outChannels: Int) -> ConvGeometry? {
        guard stride == 1, kernel > 1, padding <= kernel - 1 else { return nil }
        return ConvGeometry(channels: outChannels, height: outHeight, width: outWidth,
                            kernel: kernel, stride: 1, padding: kernel - 1 - padding)
    }

    /// col[(c*K + ki)*K + kj][oh*OW + ow] = x[c][oh*S - P + ki][ow*S - P + kj], 0 outside.
    func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>) {
        // In C (CRuntimeKernels): a stride-1 same-size layer's rows are one shifted copy.
        lrs_im2col(x, col, channels, height, width, kernel, stride, padding, outHeight, outWidth)
    }

    /// The adjoint of im2col: dx[c][iy][ix] += dcol at every column position that read it.
    /// `dx` must be zeroed (or hold what to add to) beforehand.
    func col2im(_ col: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        lrs_col2im(col, dx, channels, height, width, kernel, stride, padding, outHeight, outWidth)
    }
}
