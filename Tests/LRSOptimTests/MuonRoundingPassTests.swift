import COptimKernels
import LRSRuntime
import Testing

/// Muon's bfloat16 passes around oneDNN's products (Sources/COptimKernels/muon.c), against
/// the same arithmetic written out element by element.
@Suite struct MuonRoundingPassTests {
    /// bfloat16 rounding (to nearest, ties to even) of a float, as its upper 16 bits.
    static func bits(_ x: Float) -> UInt16 {
        let word = x.bitPattern
        return UInt16((word &+ 0x7fff &+ ((word >> 16) & 1)) >> 16)
    }

    static func float(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    /// A symmetric product's upper triangle, mirrored as it is rounded, with and without the
    /// C term; sizes that end inside a tile and span several, and the rows below the diagonal
    /// filled with values the pass must not read.
    @Test(arguments: [1, 31, 70, 97])
    func symmetricBitsMirrorTheUpperTriangle(_ n: Int) {
        var p = [Float](repeating: .nan, count: n * n)
        for i in 0..<n {
            for j in i..<n { p[i * n + j] = Float((i &* 131 &+ j &* 71) % 1009) * 0.0137 - 6.5 }
        }
        let c = (0..<(n * n)).map { k -> UInt16 in
            let (i, j) = (k / n, k % n)
            return Self.bits(Float((min(i, j) &* 17 &+ max(i, j) &* 29) % 311) * 0.01 - 1.5)
        }
        var plain = [UInt16](repeating: 0, count: n * n), withC = [UInt16](repeating: 0, count: n * n)
        Self.run(lrs_symmetric_bits_worker, p, n, 1, nil, 0, &plain)
        Self.run(lrs_symmetric_bits_worker, p, n, 2.0315, c, -4.775, &withC)
        var wrong = 0
        for i in 0..<n {
            for j in 0..<n {
                let s = j >= i ? p[i * n + j] : p[j * n + i]
                if plain[i * n + j] != Self.bits(s) { wrong += 1 }
                if withC[i * n + j] != Self.bits(2.0315 * s + -4.775 * Self.float(c[i * n + j])) { wrong += 1 }
            }
        }
        #expect(wrong == 0)
    }

    @Test func addmmBitsAddTheCTermBeforeRounding() {
        let p: [Float] = [1.0, -2.5, 1e-3, 3.3e4, 0.1]
        let c = [Float](arrayLiteral: 0.5, 0.25, -1, 2, 0.1).map(Self.bits)
        var out = [UInt16](repeating: 0, count: p.count)
        lrs_bfloat16_addmm_bits(p, 1, c, 3.4445, &out, p.count)
        #expect(out == p.indices.map { Self.bits(p[$0] + 3.4445 * Self.float(c[$0])) })
        var widened = [Float](repeating: 0, count: p.count)
        lrs_bfloat16_widen(out, &widened, p.count)
        #expect(widened == out.map(Self.float))
        var back = [UInt16](repeating: 0, count: p.count)
        lrs_bfloat16_to_bits(widened, &back, p.count)
        #expect(back == out)
    }

    /// The passes split over OpenMP's team (oneDNN's threads) write what one thread writes.
    @Test(.enabled(if: OneDNNLibrary.shared?.threadCount != nil, "oneDNN and its libgomp are not loaded on this machine"),
          arguments: [33, 300])
    func theTeamWritesWhatOneThreadWrites(_ n: Int) throws {
        let onednn = try #require(OneDNNLibrary.shared)
        let p = (0..<(n * n)).map { Float(($0 &* 7919) % 2003) * 0.001 - 1 }
        let c = (0..<(n * n)).map { Self.bits(Float(($0 &* 104_729) % 997) * 0.002 - 1) }
        var alone = [UInt16](repeating: 0, count: n * n), team = [UInt16](repeating: 1, count: n * n)
        Self.run(lrs_symmetric_bits_worker, p, n, 2.0315, c, -4.775, &alone)
        Self.run(lrs_symmetric_bits_worker, p, n, 2.0315, c, -4.775, &team, on: onednn)
        #expect(team == alone)
        var addmmAlone = [UInt16](repeating: 0, count: n * n), addmmTeam = [UInt16](repeating: 1, count: n * n)
        lrs_bfloat16_addmm_bits(p, 1, c, 3.4445, &addmmAlone, n * n)
        Self.run(lrs_addmm_bits_worker, p, n * n, 1, c, 3.4445, &addmmTeam, on: onednn)
        #expect(addmmTeam == addmmAlone)
    }

    /// Runs a pass's worker on OpenMP's team (`onednn`'s), or on this thread alone.
    static func run(_ worker: OneDNNLibrary.Worker, _ p: [Float], _ n: Int, _ alpha: Float, _ c: [UInt16]?,
                    _ beta: Float, _ out: inout [UInt16], on onednn: OneDNNLibrary? = nil) {
        p.withUnsafeBufferPointer { p in
            (c ?? []).withUnsafeBufferPointer { cBuffer in
                out.withUnsafeMutableBufferPointer { out in
                    var job = lrs_bits_job(thread_number: onednn?.threadNumber ?? lrs_thread_number_alone,
                                           thread_count: onednn?.threadCount ?? lrs_thread_count_alone,
                                           p: p.baseAddress, n: n, alpha: alpha, c: c == nil ? nil : cBuffer.baseAddress,
                                           beta: beta, out: out.baseAddress)
                    withUnsafeMutablePointer(to: &job) { job in
                        if let onednn { onednn.onTeam(worker, UnsafeMutableRawPointer(job)) } else { worker(UnsafeMutableRawPointer(job)) }
                    }
                }
            }
        }
    }
}
