import COpenBLAS
#if canImport(Glibc)
import Glibc
#endif

/// Picks OpenBLAS's kernels when its own CPU detection fails.
///
/// Debian's OpenBLAS 0.3.21 is a DYNAMIC_ARCH build that chooses kernels by CPU model.
/// It does not know newer Xeon models (this machine reports family 6 model 207) and falls
/// back to its generic "Prescott" SSE3 kernels, which run the seed models' products 2-4x
/// slower than the AVX-512 (SkylakeX) ones the CPU supports. When that happens and the
/// user has not chosen a core with OPENBLAS_CORETYPE, this re-runs OpenBLAS's own
/// initialisation with the core the CPU's feature flags call for, once, before the first
/// product.
enum BLASCoreSelection {
    /// The core OpenBLAS runs, after the selection below.
    static let coreName: String = {
        select()
        return currentCoreName()
    }()

    private static func currentCoreName() -> String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    private static func select() {
        guard getenv("OPENBLAS_CORETYPE") == nil, genericCores.contains(currentCoreName().lowercased()),
              let wanted = preferredCore() else { return }
        typealias Hook = @convention(c) () -> Void
        guard let library = dlopen(nil, RTLD_NOW),
              let quit = dlsym(library, "gotoblas_dynamic_quit"),
              let initialise = dlsym(library, "gotoblas_dynamic_init") else { return }
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
    public static var blasCore: String { BLASCoreSelection.coreName }
}
