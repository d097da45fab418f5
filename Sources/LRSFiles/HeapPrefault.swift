#if canImport(Glibc)
import Glibc
#endif

/// The heap a short command is about to fill, faulted in ahead on another core. A
/// 10,000-tensor `lrs check` touches about 1.4 MB of fresh heap; each page's first touch is a
/// page fault (zeroing included) on the command's one thread, about 360 of them, a tenth of
/// its time. Here a block of the size expected is allocated and freed at once, so that the
/// allocations that follow are carved from it, and a thread on the other core asks the kernel
/// to fault it in (`MADV_POPULATE_WRITE`: page tables filled as for a write, the bytes left as
/// they are) while this thread reads on. It never waits for that thread; whatever the thread
/// has not done yet is faulted in on first touch as before.
public enum HeapPrefault {
    /// Whether to do it: set, once, by a command whose allocator keeps freed heap and serves
    /// large blocks from it (`lrs check`'s allocator tuning). Otherwise a freed block may go
    /// back to the system, and there would be nothing to gain.
    nonisolated(unsafe) public static var enabled = false

    /// Blocks smaller than this are not worth a thread.
    static let minimumBytes = 512 * 1024
    /// Nor is more than this: the allocator tuning serves blocks up to 32 MB from the heap.
    static let maximumBytes = 16 << 20

    /// Linux's MADV_POPULATE_WRITE (5.14), which Swift's Glibc module does not name. Older
    /// kernels refuse the advice, and nothing is faulted in ahead.
    private static let populateWrite: Int32 = 23

    /// The process is about to allocate about `bytes` of heap. Whether a thread was started to
    /// fault it in.
    @discardableResult
    static func ahead(_ bytes: Int) -> Bool {
        guard enabled, bytes >= minimumBytes else { return false }
        let size = min(bytes, maximumBytes)
        guard let block = malloc(size) else { return false }
        free(block)
        let page = UInt(max(4096, sysconf(Int32(_SC_PAGESIZE))))
        let start = (UInt(bitPattern: block) + page - 1) & ~(page - 1)
        let end = (UInt(bitPattern: block) + UInt(size)) & ~(page - 1)
        guard end > start else { return false }
        // The block is freed: the thread only has the kernel fill page tables, which leaves the
        // bytes of whatever the allocator has put there meanwhile as they are.
        return BackgroundThread.start {
            if let address = UnsafeMutableRawPointer(bitPattern: start) { fillPageTables(address, count: Int(end - start)) }
        }
    }

    /// Has the kernel fill the page tables of the `count` bytes at `start` (whole pages) as
    /// for a write, leaving the bytes as they are; false where it cannot.
    @discardableResult
    static func fillPageTables(_ start: UnsafeMutableRawPointer, count: Int) -> Bool {
        madvise(start, count, populateWrite) == 0
    }
}
