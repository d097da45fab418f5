import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One persistent helper thread that runs the second half of a parallel loop.
///
/// A training step opens about ten parallel regions of tens of microseconds each; waking a
/// sleeping Dispatch worker costs ~13 us per region on this machine, so the helper spins
/// briefly (yielding the core) after each job before it sleeps. Only one region runs at a
/// time: a caller that finds the pool busy (another thread, or a nested region) runs its
/// loop inline.
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// Bumped to post a job; the helper runs each generation once.
    private let posted = Atomic<Int>(0)
    /// The last generation the helper finished.
    private let finished = Atomic<Int>(0)
    /// True while a region is open.
    private let busy = Atomic<Bool>(false)
    /// True while the helper is (about to be) blocked on `wake`.
    private let sleeping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    /// The helper's half of the current region; written before `posted` is bumped.
    private var job: (() -> Void)?
    /// How many polls the helper makes before it sleeps (about 50-100 us).
    private static let spinPolls = 20_000

    private init() {
        let thread = Thread { [unowned self] in self.run() }
        thread.start()
    }

    /// Runs `first` on the calling thread and `second` on the helper, returning when both
    /// are done; or both inline, in order, when the pool is busy.
    func run(_ first: () -> Void, _ second: () -> Void) {
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            first()
            second()
            return
        }
        withoutActuallyEscaping(second) { second in
            job = second
            let generation = posted.add(1, ordering: .sequentiallyConsistent).newValue
            if sleeping.load(ordering: .sequentiallyConsistent) { wake.signal() }
            first()
            var polls = 0
            while finished.load(ordering: .acquiring) != generation {
                polls += 1
                if polls & 63 == 0 { sched_yield() }
            }
            job = nil
        }
        busy.store(false, ordering: .releasing)
    }

    private func run() {
        var seen = 0
        while true {
            var polls = 0
            while posted.load(ordering: .acquiring) == seen {
                polls += 1
                if polls & 63 == 0 { sched_yield() }
                if polls >= Self.spinPolls {
                    sleeping.store(true, ordering: .sequentiallyConsistent)
                    if posted.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                    sleeping.store(false, ordering: .sequentiallyConsistent)
                    polls = 0
                }
            }
            seen = posted.load(ordering: .acquiring)
            job?()
            finished.store(seen, ordering: .releasing)
        }
    }
}

/// A thread for the pool (Foundation's Thread is not available without Foundation here).
private final class Thread: @unchecked Sendable {
    private let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }

    func start() {
        var handle = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { raw in
            guard let raw else { return nil }
            let thread = Unmanaged<Thread>.fromOpaque(raw).takeRetainedValue()
            thread.body()
            return nil
        }, context)
        pthread_detach(handle)
    }
}
