import Testing
@testable import LRSRuntime

/// oneDNN's bfloat16 products (Muon's Newton-Schulz iteration), where oneDNN is installed and
/// the CPU has AVX512_BF16.
@Suite(.enabled(if: OneDNNLibrary.shared != nil,
                "oneDNN (Debian's libdnnl2) is not installed, or this CPU has no AVX512_BF16 dot products"))
struct OneDNNProductTests {
    /// bfloat16 values of a few bits each: every product and every partial sum is exact in
    /// float, so the result equals the double-precision sum whatever the order.
    static func values(_ count: Int, seed: Int) -> [UInt16] {
        (0..<count).map { i in
            let value = Float((i &* 7919 &+ seed) % 17 - 8) / 8
            return UInt16(value.bitPattern >> 16)
        }
    }

    static func float(_ bits: UInt16) -> Double { Double(Float(bitPattern: UInt32(bits) << 16)) }

    /// Sizes that are not multiples of the 128-row panels: ragged panels, one panel and
    /// several; with beta 0, C's old values (NaN) are never read. The upper triangle (the
    /// diagonal included) is A Aᵀ's, exactly.
    @Test(arguments: [(5, 7, 2), (256, 40, 2), (300, 513, 2), (600, 64, 2), (300, 64, 0)] as [(Int, Int, Float)])
    func upperProductIsAAᵀOnAndAboveTheDiagonal(_ n: Int, _ k: Int, _ beta: Float) throws {
        let library = try #require(OneDNNLibrary.shared)
        let a = Self.values(n * k, seed: n)
        var c = [Float](repeating: 0, count: n * n)
        // C symmetric, as the product requires.
        for i in 0..<n { for j in 0..<n { c[i * n + j] = beta == 0 ? .nan : Float((i + j) % 5) } }
        let before = c
        let ok = a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                library.upperProduct(n: n, k: k, alpha: 0.5, a: a.baseAddress!, beta: beta, c: c.baseAddress!)
            }
        }
        #expect(ok)
        let wrong = Self.wrongInUpperTriangle(c, a: a, n: n, k: k, alpha: 0.5, beta: beta, before: before)
        #expect(wrong == 0, "\(wrong) of \(n * (n + 1) / 2) elements")
    }

    /// A square symmetric A read untransposed (`symmetricA`) gives the upper triangle of A Aᵀ,
    /// as the transposed reading does; below the diagonal nothing is promised.
    @Test(arguments: [5, 130, 300])
    func upperProductOfASymmetricMatrix(_ n: Int) throws {
        let library = try #require(OneDNNLibrary.shared)
        let half = Self.values(n * n, seed: n)
        let a = (0..<(n * n)).map { index in half[min(index / n, index % n) * n + max(index / n, index % n)] }
        var c = [Float](repeating: .nan, count: n * n)
        let ok = a.withUnsafeBufferPointer { a in
            c.withUnsafeMutableBufferPointer { c in
                library.upperProduct(n: n, k: n, a: a.baseAddress!, c: c.baseAddress!, symmetricA: true)
            }
        }
        #expect(ok)
        let wrong = Self.wrongInUpperTriangle(c, a: a, n: n, k: n, alpha: 1, beta: 0, before: c)
        #expect(wrong == 0, "\(wrong) of \(n * (n + 1) / 2) elements")
    }

    /// How many elements on and above C's diagonal differ from alpha A Aᵀ + beta C (A n x k,
    /// the sums exact in double), `before` the C the product started from.
    static func wrongInUpperTriangle(_ c: [Float], a: [UInt16], n: Int, k: Int, alpha: Double, beta: Float,
                                     before: [Float]) -> Int {
        var wrong = 0
        for i in 0..<n {
            for j in i..<n {
                var sum = 0.0
                for l in 0..<k { sum += float(a[i * k + l]) * float(a[j * k + l]) }
                let expected = alpha * sum + (beta == 0 ? 0 : Double(beta) * Double(before[i * n + j]))
                if Double(c[i * n + j]) != expected { wrong += 1 }
            }
        }
        return wrong
    }
}
