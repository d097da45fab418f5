/// ATen's `normal_fill` for float32 tensors of 16 elements or more, as the x86-64 wheels run it
/// (the AVX2 kernel, used on AVX2 and AVX-512 machines): one float uniform per element in
/// storage order, then Box-Muller over blocks of 16 (u1 from the first 8, u2 from the next 8)
/// with the Cephes polynomials of `avx_mathfun.h` for log, sin and cos. When the count is not a
/// multiple of 16, 16 fresh uniforms replace the last 16 elements and that block is redone.
///
/// The multiply-adds below are fused exactly where GCC contracts the header's separate
/// `_mm256_mul_ps`/`_mm256_add_ps` in PyTorch's build; with that, 200,003 values drawn after
/// `torch.manual_seed(5)` match torch 2.13 bit for bit. (A machine without AVX2 runs ATen's
/// scalar fallback with libm's log/sin/cos instead, which differs in the last bits.)
extension RandomGenerator {
    func normalFill(_ data: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        for i in 0..<count { data[i] = uniformFloat(from: 0, to: 1) }
        var start = 0
        while start + 16 <= count {
            Self.boxMuller16(data + start, mean: mean, std: std)
            start += 16
        }
        if count % 16 != 0 {
            let tail = data + count - 16
            for i in 0..<16 { tail[i] = uniformFloat(from: 0, to: 1) }
            Self.boxMuller16(tail, mean: mean, std: std)
        }
    }

    // radius = sqrt(-2 log(1 - u1)), theta = 2 pi u2; out = radius (cos, sin)(theta) std + mean
    private static func boxMuller16(_ d: UnsafeMutablePointer<Float>, mean: Float, std: Float) {
        let twoPi = Float(2.0 * Double.pi)
        for j in 0..<8 {
            let radius = (-2 * CephesFloat.log(1 - d[j])).squareRoot()
            let (sine, cosine) = CephesFloat.sincos(twoPi * d[j + 8])
            d[j] = mean.addingProduct(radius * cosine, std)
            d[j + 8] = mean.addingProduct(radius * sine, std)
        }
    }
}

/// Scalar ports of `log256_ps` and `sincos256_ps` (avx_mathfun.h, after Cephes), one lane.
enum CephesFloat {
    static func log(_ input: Float) -> Float {
        if input <= 0 || input.isNaN { return .nan }
        var x = Swift.max(input, Float(bitPattern: 0x0080_0000))
        let exponent = Int32(bitPattern: x.bitPattern >> 23) - 0x7f
        x = Float(bitPattern: (x.bitPattern & ~UInt32(0x7f80_0000)) | Float(0.5).bitPattern)
        var e = Float(exponent) + 1
        let small = x < Float(0.707106781186547524)
        let extra: Float = small ? x : 0
        x = x - 1
        e = e - (small ? 1 : 0)
        x = x + extra
        let z = x * x
        var y = Float(-1.1514610310E-1).addingProduct(Float(7.0376836292E-2), x)
        y = Float(1.1676998740E-1).addingProduct(y, x)
        y = Float(-1.2420140846E-1).addingProduct(y, x)
        y = Float(1.4249322787E-1).addingProduct(y, x)
        y = Float(-1.6668057665E-1).addingProduct(y, x)
        y = Float(2.0000714765E-1).addingProduct(y, x)
        y = Float(-2.4999993993E-1).addingProduct(y, x)
        y = Float(3.3333331174E-1).addingProduct(y, x)
        y = y * x
        y = (e * Float(-2.12194440e-4)).addingProduct(y, z)
        y = y.addingProduct(-z, 0.5)
        x = x + y
        return x.addingProduct(e, Float(0.693359375))
    }

    static func sincos(_ input: Float) -> (sin: Float, cos: Float) {
        var x = Swift.abs(input)
        var j = Int32(x * Float(1.27323954473516))
        j = (j &+ 1) & ~1
        let y = Float(j)
        let sinNegative = (input.sign == .minus) != (j & 4 != 0)
        let cosNegative = ~(j &- 2) & 4 != 0
        let useSinPolynomial = j & 2 == 0
        x = x.addingProduct(y, Float(-0.78515625))
        x = x.addingProduct(y, Float(-2.4187564849853515625e-4))
        x = x.addingProduct(y, Float(-3.77489497744594108e-8))
        let z = x * x
        var c = Float(-1.388731625493765E-003).addingProduct(Float(2.443315711809948E-005), z)
        c = Float(4.166664568298827E-002).addingProduct(c, z)
        c = c * z
        c = (-(z * 0.5)).addingProduct(c, z) + 1
        var s = Float(8.3321608736E-3).addingProduct(Float(-1.9515295891E-4), z)
        s = Float(-1.6666654611E-1).addingProduct(s, z)
        s = x.addingProduct(s * z, x)
        let sine = useSinPolynomial ? s : c, cosine = useSinPolynomial ? c : s
        return (sinNegative ? -sine : sine, cosNegative ? -cosine : cosine)
    }
}
