#if canImport(Glibc)
import Glibc
#endif

/// Work on a thread of its own, on another core than the caller's, and not waited for.
/// Pinned: left to the scheduler, a thread started for a millisecond's work mostly ran on the
/// caller's core after the caller, not beside it.
enum BackgroundThread {
    /// Starts `work`; false when there is no other core to run it on, or no thread to be had.
    static func start(_ work: @escaping @Sendable () -> Void) -> Bool {
        guard let affinity = Affinity.library, var cores = otherCores(affinity) else { return false }
        var attributes = pthread_attr_t()
        guard pthread_attr_init(&attributes) == 0 else { return false }
        defer { pthread_attr_destroy(&attributes) }
        guard affinity.set(&attributes, MemoryLayout<cpu_set_t>.size, &cores) == 0,
              pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) == 0 else { return false }
        // Retained for the thread, which releases it.
        let context = Unmanaged.passRetained(Work(work)).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(&thread, &attributes, { context in
            guard let context else { return nil }
            Unmanaged<Work>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        guard started == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            return false
        }
        return true
    }

    /// Whether this process may run on a core other than this thread's now: `start` needs one.
    static var hasAnotherCore: Bool {
        guard let affinity = Affinity.library else { return false }
        return otherCores(affinity) != nil
    }

    /// The cores this process may run on, but for this thread's now; nil when there is none.
    private static func otherCores(_ affinity: Affinity) -> cpu_set_t? {
        var cores = cpu_set_t()
        let current = affinity.currentCore()
        guard current >= 0, affinity.allowed(0, MemoryLayout<cpu_set_t>.size, &cores) == 0 else { return nil }
        let others = withUnsafeMutableBytes(of: &cores) { raw -> Int in
            let words = raw.bindMemory(to: UInt.self)
            let word = Int(current) / UInt.bitWidth, bit = UInt(1) << UInt(Int(current) % UInt.bitWidth)
            guard word < words.count else { return 0 }
            words[word] &= ~bit
            return words.reduce(0) { $0 + $1.nonzeroBitCount }
        }
        return others > 0 ? cores : nil
    }

    /// The core this thread runs on now, if the C library says.
    static func currentCore() -> Int? {
        guard let core = Affinity.library?.currentCore(), core >= 0 else { return nil }
        return Int(core)
    }

    private final class Work {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    /// glibc's `sched_getcpu`, `sched_getaffinity` and `pthread_attr_setaffinity_np`, which
    /// Swift's Glibc module does not import (GNU extensions).
    private struct Affinity {
        let currentCore: @convention(c) () -> Int32
        let allowed: @convention(c) (pid_t, Int, UnsafeMutablePointer<cpu_set_t>) -> Int32
        let set: @convention(c) (UnsafeMutablePointer<pthread_attr_t>, Int, UnsafePointer<cpu_set_t>) -> Int32

        /// Nil where the C library has none of them.
        static let library: Affinity? = {
            guard let process = dlopen(nil, RTLD_NOW), let current = dlsym(process, "sched_getcpu"),
                  let allowed = dlsym(process, "sched_getaffinity"),
                  let set = dlsym(process, "pthread_attr_setaffinity_np") else { return nil }
            return Affinity(currentCore: unsafeBitCast(current, to: (@convention(c) () -> Int32).self),
                            allowed: unsafeBitCast(allowed, to: (@convention(c) (pid_t, Int, UnsafeMutablePointer<cpu_set_t>) -> Int32).self),
                            set: unsafeBitCast(set, to: (@convention(c) (UnsafeMutablePointer<pthread_attr_t>, Int,
                                                                         UnsafePointer<cpu_set_t>) -> Int32).self))
        }()
    }
}
