import Testing
@testable import LRSRuntime

/// The direct convolution kernels (stride-1 "same" layers on AVX-512: forward, input gradient,
/// 3x3 weight gradient; 3x3 stride-2 layers on the input's phases) against the column-matrix
/// path (im2col and OpenBLAS) on the same weights, over shapes that take every edge: maps whose
/// positions are not a multiple of 16, odd sizes under stride 2, channel counts not multiples
/// of 8 or 3, batch 1, bias or none, a fused relu.
@Suite struct DirectConvTests {
    struct Shape: CustomStringConvertible, Sendable {
        let channels: Int, out: Int, kernel: Int, height: Int, width: Int, batch: Int
        var stride = 1
        var bias = true
        var relu = false
        var description: String {
            "\(channels)->\(out) k\(kernel) s\(stride) \(height)x\(width) batch \(batch)\(bias ? "" : " no bias")\(relu ? " relu" : "")"
        }
    }

    static let shapes: [Shape] = [
        Shape(channels: 3, out: 13, kernel: 3, height: 7, width: 9, batch: 1),
        Shape(channels: 10, out: 9, kernel: 3, height: 8, width: 8, batch: 3, bias: false),
        Shape(channels: 5, out: 4, kernel: 3, height: 17, width: 5, batch: 2, relu: true),
        Shape(channels: 16, out: 17, kernel: 3, height: 6, width: 11, batch: 5, bias: false, relu: true),
        Shape(channels: 2, out: 3, kernel: 3, height: 1, width: 1, batch: 2),
        Shape(channels: 4, out: 11, kernel: 5, height: 9, width: 6, batch: 2),
        Shape(channels: 3, out: 2, kernel: 7, height: 5, width: 8, batch: 1, relu: true),
        Shape(channels: 3, out: 13, kernel: 3, height: 7, width: 9, batch: 1, stride: 2),
        Shape(channels: 10, out: 9, kernel: 3, height: 8, width: 6, batch: 3, stride: 2, bias: false),
        Shape(channels: 5, out: 4, kernel: 3, height: 17, width: 12, batch: 2, stride: 2, relu: true),
        Shape(channels: 16, out: 32, kernel: 3, height: 16, width: 16, batch: 5, stride: 2, bias: false),
        Shape(channels: 2, out: 3, kernel: 3, height: 1, width: 2, batch: 2, stride: 2),
    ]

    static func layer(_ shape: Shape, direct: Bool) -> Conv2d {
        Conv2d(inChannels: shape.channels, outChannels: shape.out, kernel: shape.kernel, stride: shape.stride,
               padding: (shape.kernel - 1) / 2, bias: shape.bias,
               inputShape: [shape.channels, shape.height, shape.width], directKernel: direct)
    }

    /// Forward output, input gradient, weight and bias gradients of one layer.
    static func run(_ shape: Shape, direct: Bool) -> [[Float]] {
        let layer = layer(shape, direct: direct)
        layer.fusedReLU = shape.relu
        layer.initialize(RandomGenerator(seed: 41))
        let x = Tensor(zeros: [shape.batch, shape.channels, shape.height, shape.width])
        RandomGenerator(seed: 42).fillUniform(x, from: -1, to: 1)
        let g = layer.geometry
        let dy = Tensor(zeros: [shape.batch, shape.out, g.outHeight, g.outWidth])
        RandomGenerator(seed: 43).fillUniform(dy, from: -1, to: 1)
        let y = layer.forward(x, training: true).values
        let dx = layer.backward(dy, needsInputGrad: true)?.values ?? []
        return [y, dx, layer.weight.grad.values, layer.bias?.grad.values ?? []]
    }

    /// Reported skipped where AVX-512 is missing; which path a layer takes there is
    /// `onlySameSizeStrideOneLayersTakeTheDirectKernel`'s.
    @Test(.enabled(if: Conv2d.directKernelAvailable, "this machine has no AVX-512: there is no direct kernel to compare"),
          arguments: shapes)
    func directKernelsMatchTheColumnPath(_ shape: Shape) throws {
        #expect(Self.layer(shape, direct: true).usesStrideTwoKernel == (shape.stride == 2))
        let direct = Self.run(shape, direct: true), columns = Self.run(shape, direct: false)
        for (name, (a, b)) in zip(["output", "input gradient", "weight gradient", "bias gradient"], zip(direct, columns)) {
            #expect(a.count == b.count, "\(name)")
            #expect(relativeError(a, b) < 1e-5, "\(name)")
        }
    }

    /// Only stride-1 layers whose output is the input's size, with an odd kernel of 3 to 7, take
    /// the direct kernels.
    @Test func onlySameSizeStrideOneLayersTakeTheDirectKernel() {
        func direct(_ kernel: Int, stride: Int, padding: Int) -> Bool {
            Conv2d(inChannels: 2, outChannels: 3, kernel: kernel, stride: stride, padding: padding, bias: true,
                   inputShape: [2, 9, 9]).usesDirectKernel
        }
        let available = Conv2d.directKernelAvailable
        #expect(direct(3, stride: 1, padding: 1) == available)
        #expect(direct(5, stride: 1, padding: 2) == available)
        #expect(!direct(3, stride: 2, padding: 1))
        let strided = Conv2d(inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 1, bias: true, inputShape: [2, 9, 9])
        #expect(strided.usesStrideTwoKernel == available)
        #expect(!Conv2d(inChannels: 2, outChannels: 3, kernel: 3, stride: 2, padding: 0, bias: true,
                        inputShape: [2, 9, 9]).usesStrideTwoKernel)
        #expect(!direct(3, stride: 1, padding: 0))
        #expect(!direct(1, stride: 1, padding: 0))
        #expect(!direct(4, stride: 1, padding: 2))
        #expect(!direct(9, stride: 1, padding: 4))
        // The geometry's own answer, which holds on a machine without AVX-512 too (where every
        // layer above is off the direct kernels whatever its shape).
        func sameSize(_ kernel: Int, stride: Int, padding: Int) -> Bool {
            ConvGeometry(channels: 2, height: 9, width: 9, kernel: kernel, stride: stride, padding: padding).isSameStrideOne
        }
        #expect(sameSize(3, stride: 1, padding: 1) && sameSize(5, stride: 1, padding: 2) && sameSize(7, stride: 1, padding: 3))
        #expect(!sameSize(3, stride: 2, padding: 1) && !sameSize(3, stride: 1, padding: 0) && !sameSize(1, stride: 1, padding: 0))
        #expect(!sameSize(4, stride: 1, padding: 2) && !sameSize(9, stride: 1, padding: 4))
    }
}
