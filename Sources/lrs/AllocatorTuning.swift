import Foundation
import LRSFiles

/// glibc's allocator set for a command that reads a script, reports and exits. A big script's
/// token, statement and group arrays are megabytes each; by default glibc maps each afresh and
/// unmaps it when freed, so the next one faults its pages in again (a sixth of `lrs check`'s
/// time on the 10,000-line script of bench/generate_big.py). Served from the heap, and the
/// heap not given back while the command runs, they reuse the pages already touched.
enum AllocatorTuning {
    /// `mallopt`'s parameters (glibc's malloc.h, which Swift's Glibc module does not import).
    private static let trimThreshold: Int32 = -1, mmapThreshold: Int32 = -3

    static func forShortCommand() {
        #if os(Linux)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(mmapThreshold, 32 << 20)
        _ = mallopt(trimThreshold, 256 << 20)
        // Freed heap now stays, and serves what follows: a large header's tables can be
        // faulted in ahead, on another core.
        HeapPrefault.enabled = true
        #endif
    }
}
