import Dispatch

/// Splits a loop over `0..<count` into one contiguous chunk per core, run concurrently,
/// but only when the loop is big enough for the split to pay; otherwise runs it inline.
/// Public so the optimizers can split large updates the same way.
public enum ParallelFor {
    /// How many chunks a parallel loop is split into: the cores this process may use, at
    /// most 2 (more would only add scheduling cost on the 2-core target), or `LRS_THREADS`
    /// when set (a batch of runs gives each run its share of the cores).
    public static let width: Int = {
        if let text = getenv("LRS_THREADS"), let wanted = Int(String(cString: text)), wanted >= 1 {
            return Swift.min(2, wanted)
        }
        return Swift.max(1, Swift.min(2, availableCores()))
    }()

    /// Below this many scalar operations in total, thread hand-off costs more than it saves
    /// (a dispatch round trip is a few microseconds).
    static let minimumWork = 1 << 18

    /// True to run every loop inline, for this task or thread only: tests compare the split
    /// paths with the serial ones without changing what loops on other threads do.
    @TaskLocal static var serial = false

    /// Runs `body(chunkIndex, range)` over `0..<count`, split into chunks when `count *
    /// workPerItem` reaches `minimumWork`. `body` must only write disjoint memory per range.
    public static func run(count: Int, workPerItem: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = Swift.min(width, count)
        if chunks <= 1 || totalWork(count, workPerItem) < minimumWork || serial {
            body(0, 0..<count)
            return
        }
        // Two chunks: this thread takes the first, the pool's helper the second.
        let middle = count / 2
        WorkerPool.shared.run({ body(0, 0..<middle) }, { body(1, middle..<count) })
    }

    /// Whether `run` would split a loop of this size.
    static func splits(count: Int, workPerItem: Int = 1) -> Bool {
        width > 1 && count > 1 && totalWork(count, workPerItem) >= minimumWork && !serial
    }

    private static func totalWork(_ count: Int, _ workPerItem: Int) -> Int {
        let (product, overflow) = count.multipliedReportingOverflow(by: workPerItem)
        return overflow ? Int.max : product
    }

    /// The cores online.
    public static func availableCores() -> Int {
        #if canImport(Glibc)
        return Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 1
        #endif
    }
}

/// Carries a non-Sendable value (raw pointers, a loop body) into concurrent chunks that
/// touch disjoint memory; the caller vouches for that.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

#if canImport(Glibc)
import Glibc
#endif
