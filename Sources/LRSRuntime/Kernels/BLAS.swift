import COpenBLAS

/// Single-precision matrix products through OpenBLAS, row-major, with the BLAS thread count
/// chosen per call shape.
///
/// Measured on the target machine (OpenBLAS 0.3.21, Cooperlake kernels, 2 cores): the
/// conv- and linear-sized products of the seed models run faster on one thread, only
/// large near-square products gain from two. Inside `ParallelFor` regions callers pass
/// `threads: 1`, so the two levels of parallelism never stack.
public enum BLAS {
    /// Below this many multiply-adds a second BLAS thread costs more than it saves.
    static let twoThreadWork = 1 << 22
    /// A product with a dimension this thin does not split well across threads.
    static let twoThreadMinimumSide = 64

    /// From this many multiply-adds a thin product is split between our own two threads.
    nonisolated(unsafe) static var ownSplitWork = 1 << 21
    nonisolated(unsafe) private static var currentThreads = -1

    /// C[m x n] = alpha * op(A) * op(B) + beta * C, all row-major with packed leading dimensions.
    /// op(A) is [m x k] (A stored [k x m] when `transA`), op(B) is [k x n] (B stored [n x k]
    /// when `transB`).
    public static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, threads: Int? = nil) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            // An empty sum: C = beta * C.
            for i in 0..<(m * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        let wanted = threads ?? preferredThreads(m: m, n: n, k: k)
        if threads == nil, wanted > 1 || m * n * k >= ownSplitWork, Swift.max(m, n) >= 32 {
            // Split C's longer side between our own threads, each half single-threaded: for
            // a thin product OpenBLAS runs best on one thread, and for a large one its own
            // threads would compete with the pool's spinning helper for the two cores (the
            // GPT's [2048 x 128] x [128 x 384] products take 10-15% less CPU time this way).
            setThreads(1)
            let p = UncheckedSendable((a: a, b: b, c: c))
            let byRows = m >= n
            ParallelFor.run(count: byRows ? m : n, workPerItem: Int.max) { _, range in
                let lda = transA ? m : k, ldb = transB ? k : n
                if byRows {
                    let a = transA ? p.value.a + range.lowerBound : p.value.a + range.lowerBound * k
                    OpenBLASLibrary.shared.sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                Int32(range.count), Int32(n), Int32(k), alpha, a, Int32(lda),
                                p.value.b, Int32(ldb), beta, p.value.c + range.lowerBound * n, Int32(n))
                } else {
                    let b = transB ? p.value.b + range.lowerBound * k : p.value.b + range.lowerBound
                    OpenBLASLibrary.shared.sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(range.count), Int32(k), alpha, p.value.a, Int32(lda),
                                b, Int32(ldb), beta, p.value.c + range.lowerBound, Int32(n))
                }
            }
            return
        }
        setThreads(wanted)
        OpenBLASLibrary.shared.sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha,
                    a, Int32(transA ? m : k), b, Int32(transB ? k : n), beta, c, Int32(n))
    }

    /// Sets OpenBLAS to one thread, before a parallel region whose chunks call `gemmStrided`.
    static func useOneThread() { setThreads(1) }

    /// C = alpha * op(A) * op(B) + beta * C over strided row-major views (leading dimensions
    /// lda, ldb, ldc: a head's columns inside a packed [T, 3D] projection, say). Runs with
    /// whatever thread count is set: inside `ParallelFor` regions, after `useOneThread()`.
    static func gemmStrided(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                            alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0, k > 0 else { return }
        OpenBLASLibrary.shared.sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                                     Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// C[n x n] = alpha * A Aᵀ + beta * C for row-major A [n x k], C symmetric: the products
    /// of `gemm(transB: true)` at half the multiply-adds. Writes the upper triangle of C
    /// (row <= column) and mirrors it into the lower one.
    public static func syrk(n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, beta: Float = 0,
                            c: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        guard k > 0 else {
            for i in 0..<(n * n) { c[i] = beta == 0 ? 0 : beta * c[i] }
            return
        }
        setThreads(preferredThreads(m: n, n: n, k: k))
        OpenBLASLibrary.shared.ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, Int32(n), Int32(k), alpha,
                                     a, Int32(k), beta, c, Int32(n))
        mirrorUpperTriangle(c, n: n)
    }

    /// Copies C's upper triangle (row < column) into its lower one, for a symmetric n x n C
    /// of which a product wrote the upper half. In 64 x 64 tiles, so both the rows read and
    /// the columns written stay in cache.
    private static func mirrorUpperTriangle(_ c: UnsafeMutablePointer<Float>, n: Int) {
        let tile = 64
        for top in stride(from: 0, to: n, by: tile) {
            for left in stride(from: top, to: n, by: tile) {
                for row in top..<min(top + tile, n) {
                    for column in max(left, row + 1)..<max(max(left, row + 1), min(left + tile, n)) {
                        c[column * n + row] = c[row * n + column]
                    }
                }
            }
        }
    }

    /// The thread count this machine runs an [m x k] @ [k x n] product fastest with.
    static func preferredThreads(m: Int, n: Int, k: Int) -> Int {
        let side = Swift.min(m, n, k)
        return m * n * k >= twoThreadWork && side >= twoThreadMinimumSide ? ParallelFor.width : 1
    }

    private static func setThreads(_ threads: Int) {
        if threads != currentThreads {
            OpenBLASLibrary.shared.setThreads(Int32(threads))
            currentThreads = threads
        }
    }
}
