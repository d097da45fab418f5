import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS, loaded on the first matrix product rather than when lrs starts.
///
/// Loading the library starts its thread pool, which spins for milliseconds: `lrs check`,
/// `lrs schedule` and `lrs export` multiply no matrices and should not pay for it. Loading
/// it here also lets the kernel set be chosen before the library initialises (see
/// `selectCore`).
struct OpenBLASLibrary: Sendable {
    typealias SGEMM = @convention(c) (CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint,
                                      Float, UnsafePointer<Float>?, blasint, UnsafePointer<Float>?, blasint,
                                      Float, UnsafeMutablePointer<Float>?, blasint) -> Void
    typealias SSYRK = @convention(c) (CBLAS_ORDER, CBLAS_UPLO, CBLAS_TRANSPOSE, blasint, blasint,
                                      Float, UnsafePointer<Float>?, blasint, Float, UnsafeMutablePointer<Float>?, blasint) -> Void
    typealias SetThreads = @convention(c) (Int32) -> Void
    typealias CoreName = @convention(c) () -> UnsafeMutablePointer<CChar>?

    let sgemm: SGEMM
    let ssyrk: SSYRK
    let setThreads: SetThreads
    /// The kernel set in use (e.g. "SkylakeX").
    let coreName: String

    /// The library, loaded once. Without it lrs cannot train: the message says what to install.
    static let shared: OpenBLASLibrary = {
        switch load() {
        case .success(let library): return library
        case .failure(let failure):
            let text = "lrs: \(failure.message); install Debian's libopenblas0 (or libopenblas-dev)\n"
            _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
            exit(1)
        }
    }()

    struct LoadFailure: Error { let message: String }

    private static func load() -> Result<OpenBLASLibrary, LoadFailure> {
        // OpenBLAS's pool threads spin for 2^28 cycles (about 0.1 s) after loading and after
        // each product they share before they sleep, and on two cores a spinning thread
        // halves the pool's helper: the attention forward of bench/arch.py ran in 1.9 ms or in
        // 3.9 ms by whether its iterations fell in that window. lrs splits its products itself
        // (`BLAS.gemm`) and asks OpenBLAS for threads only for large ones (`syrk`), which
        // wake them: the pool sleeps at once, unless the user has set how long it spins.
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 0)
        OneDNNLibrary.setOpenMPDefaults()
        let names = ["libopenblas.so.0", "libopenblas.so"]
        guard let handle = names.lazy.compactMap({ dlopen($0, RTLD_NOW | RTLD_GLOBAL) }).first else {
            return .failure(LoadFailure(message: "cannot load OpenBLAS (\(names.joined(separator: ", ")))"))
        }
        guard let sgemm = dlsym(handle, "cblas_sgemm"), let ssyrk = dlsym(handle, "cblas_ssyrk"),
              let setThreads = dlsym(handle, "openblas_set_num_threads"),
              let coreName = dlsym(handle, "openblas_get_corename")
        else { return .failure(LoadFailure(message: "the OpenBLAS found lacks cblas_sgemm, cblas_ssyrk or openblas_set_num_threads")) }
        let nameOf = unsafeBitCast(coreName, to: CoreName.self)
        selectCore(handle, current: nameOf().map { String(cString: $0) } ?? "unknown")
        return .success(OpenBLASLibrary(sgemm: unsafeBitCast(sgemm, to: SGEMM.self),
                                        ssyrk: unsafeBitCast(ssyrk, to: SSYRK.self),
                                        setThreads: unsafeBitCast(setThreads, to: SetThreads.self),
                                        coreName: nameOf().map { String(cString: $0) } ?? "unknown"))
    }

    /// Picks OpenBLAS's kernels when its own CPU detection fails.
    ///
    /// Debian's OpenBLAS 0.3.21 is a DYNAMIC_ARCH build that chooses kernels by CPU model.
    /// It does not know newer Xeon models (this machine reports family 6 model 207) and falls
    /// back to its generic "Prescott" SSE3 kernels, which run the seed models' products 2-4x
    /// slower than the AVX-512 (SkylakeX) ones the CPU supports. When that happens and the
    /// user has not chosen a core with OPENBLAS_CORETYPE, this re-runs OpenBLAS's own
    /// initialisation with the core the CPU's feature flags call for.
    private static func selectCore(_ handle: UnsafeMutableRawPointer, current: String) {
        guard getenv("OPENBLAS_CORETYPE") == nil, genericCores.contains(current.lowercased()),
              let wanted = preferredCore() else { return }
        typealias Hook = @convention(c) () -> Void
        guard let quit = dlsym(handle, "gotoblas_dynamic_quit"),
              let initialise = dlsym(handle, "gotoblas_dynamic_init") else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        unsafeBitCast(quit, to: Hook.self)()
        unsafeBitCast(initialise, to: Hook.self)()
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// What OpenBLAS falls back to for CPUs it does not recognise.
    private static let genericCores: Set<String> = ["prescott", "katmai", "core2", "unknown"]

    /// The best OpenBLAS core for the CPU's advertised features, if better than generic.
    private static func preferredCore() -> String? {
        guard let flags = cpuFlags() else { return nil }
        if ["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains) { return "SKYLAKEX" }
        if ["avx2", "fma"].allSatisfy(flags.contains) { return "HASWELL" }
        return nil
    }

    private static func cpuFlags() -> Set<String>? {
        guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            guard let line else { break }
            let text = String(cString: line)
            if text.hasPrefix("flags") {
                return Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ":" }).map(String.init))
            }
        }
        return nil
    }
}

/// Facts about the runtime's numerical back end, for reports and benchmarks.
public enum RuntimeInfo {
    /// The OpenBLAS kernel set in use (e.g. "SkylakeX"), after the runtime's selection.
    public static var blasCore: String { OpenBLASLibrary.shared.coreName }
}
