import CKernelDispatch
#if canImport(Glibc)
import Glibc
#endif

/// oneDNN's bfloat16 matrix product, loaded on first use when the library is installed
/// (Debian's libdnnl2): Muon's Newton-Schulz iteration multiplies bfloat16 matrices, as
/// torch does, and on a CPU with AVX512_BF16 oneDNN multiplies them at twice float32's rate
/// (1024 x 1024 on this machine's two cores, oneDNN's bfloat16 product against its float32
/// one: 418 against 214 GFLOP/s, and 372-387 against 181-189 on a busier day). Without it, or
/// without AVX512_BF16 (where oneDNN would widen to float32 itself), the products run in
/// float32 through OpenBLAS, on the same bfloat16 values.
public struct OneDNNLibrary: Sendable {
    /// `dnnl_gemm_bf16bf16f32`: row-major C = alpha op(A) op(B) + beta C, A and B bfloat16,
    /// C float; 0 on success.
    typealias GEMM = @convention(c) (CChar, CChar, Int64, Int64, Int64, Float, UnsafePointer<UInt16>?, Int64,
                                     UnsafePointer<UInt16>?, Int64, Float, UnsafeMutablePointer<Float>?, Int64) -> Int32

    let gemm: GEMM

    /// libgomp's entry of a parallel region (`GOMP_parallel`, the compilers' ABI for `omp
    /// parallel`) and the team's thread number and count, from the libgomp oneDNN loaded.
    public typealias Worker = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias Parallel = @convention(c) (Worker?, UnsafeMutableRawPointer?, UInt32, UInt32) -> Void
    public typealias ThreadQuery = @convention(c) () -> Int32
    let parallel: Parallel?
    /// `omp_get_thread_num` and `omp_get_num_threads` for `onTeam`'s workers (nil without libgomp).
    public let threadNumber: ThreadQuery?
    public let threadCount: ThreadQuery?

    /// The library, or nil when it is not installed (or lacks the product), or the CPU has no
    /// bfloat16 dot products.
    public static let shared: OneDNNLibrary? = {
        guard lrs_cpu_has_bfloat16_dot() != 0 else { return nil }
        setOpenMPDefaults()
        // oneDNN 2.x, whose product this signature is (it is exported, not in dnnl.h).
        guard let handle = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL),
              let symbol = dlsym(handle, "dnnl_gemm_bf16bf16f32") else { return nil }
        // The team's entry points are looked up through oneDNN's handle, which finds them in
        // the libgomp it depends on; without all three, passes run on the calling thread.
        let names: [String] = ["GOMP_parallel", "omp_get_thread_num", "omp_get_num_threads"]
        let found = names.map { name in dlsym(handle, name) }
        let team = found.allSatisfy { $0 != nil } ? found : [nil, nil, nil]
        return OneDNNLibrary(gemm: unsafeBitCast(symbol, to: GEMM.self),
                             parallel: team[0].map { unsafeBitCast($0, to: Parallel.self) },
                             threadNumber: team[1].map { unsafeBitCast($0, to: ThreadQuery.self) },
                             threadCount: team[2].map { unsafeBitCast($0, to: ThreadQuery.self) })
    }()

    /// OpenMP's threads (oneDNN's, and an OpenMP build of OpenBLAS's) as many as lrs's
    /// (LRS_THREADS), spinning for a short while after their work before they sleep, unless
    /// the user said otherwise; set before either library loads libgomp, which reads them
    /// once. libgomp's own spin (300,000 rounds) kept them busy between products, on the core
    /// the pool's helper needs: the Muon sample's run took 15 s of CPU, not 1. Told to sleep
    /// at once, each product waited for them to wake (a 10 x 1024 x 1024 Muon step took
    /// 1.02 s, against 0.96 and 0.98 with the short spin).
    static func setOpenMPDefaults() {
        setenv("OMP_NUM_THREADS", String(ParallelFor.width), 0)
        setenv("GOMP_SPINCOUNT", "10000", 0)
    }

    /// Runs `worker(job)` on every thread of OpenMP's team, the threads oneDNN's products run
    /// on (still spinning after the last one), or on this thread alone without libgomp. The
    /// worker splits the job by `threadNumber` and `threadCount`.
    public func onTeam(_ worker: Worker, _ job: UnsafeMutableRawPointer) {
        guard let parallel else { return worker(job) }
        parallel(worker, job, 0, 0)
    }

    /// C[m x n] = alpha op(A) op(B) + beta C, row-major: op(A) is m x k (A stored k x m when
    /// `transA`), op(B) is k x n (B stored n x k when `transB`); leading dimensions packed
    /// unless given. False when oneDNN refused (then C is untouched).
    public func product(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
                        a: UnsafePointer<UInt16>, lda: Int? = nil, b: UnsafePointer<UInt16>, ldb: Int? = nil,
                        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int? = nil) -> Bool {
        gemm(CChar(UInt8(ascii: transA ? "T" : "N")), CChar(UInt8(ascii: transB ? "T" : "N")),
             Int64(m), Int64(n), Int64(k), alpha, a, Int64(lda ?? (transA ? m : k)), b, Int64(ldb ?? (transB ? k : n)),
             beta, c, Int64(ldc ?? n)) == 0
    }

    /// The upper triangle (the diagonal included) of C[n x n] = alpha A Aᵀ + beta C for A
    /// [n x k] (C symmetric when beta is not 0): a product per panel of 128 rows, from its
    /// diagonal to the last column (36 of the 64 blocks of 128 x 128 for n = 1024). Below the
    /// diagonal, C holds what the panels wrote or what it held; Muon's rounding pass mirrors
    /// the upper triangle as it reads it. `symmetricA`: A is square and symmetric (then
    /// A Aᵀ = A A, and B is read untransposed, a little faster). False when oneDNN refused a
    /// product.
    public func upperProduct(n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<UInt16>, beta: Float = 0,
                             c: UnsafeMutablePointer<Float>, symmetricA: Bool = false) -> Bool {
        // Panels of 128 rows: a Muon step of 1024 x 1024 matrices took 676-695 ms with them,
        // 700-735 with 256 rows (more multiply-adds below the diagonal), 737-773 with 512 and
        // 752-755 with 64 (products too small for the kernels' peak).
        let side = 128
        for top in stride(from: 0, to: n, by: side) {
            let rows = min(side, n - top)
            // A symmetric (square) A is its own transpose: B read as it lies.
            if symmetricA, k == n {
                guard product(m: rows, n: n - top, k: k, alpha: alpha, a: a + top * k, lda: k,
                              b: a + top, ldb: k, beta: beta, c: c + top * n + top, ldc: n) else { return false }
                continue
            }
            guard product(transB: true, m: rows, n: n - top, k: k, alpha: alpha, a: a + top * k, lda: k,
                          b: a + top * k, ldb: k, beta: beta, c: c + top * n + top, ldc: n) else { return false }
        }
        return true
    }
}
