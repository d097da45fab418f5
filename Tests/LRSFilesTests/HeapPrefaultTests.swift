import Foundation
import Glibc
import Testing
@testable import LRSFiles

/// The heap faulted in ahead on another core: the thread runs, off the caller's core, and the
/// kernel's filling of page tables takes the first touches' faults while leaving every byte
/// the program wrote as it was.
@Suite(.serialized) struct HeapPrefaultTests {
    private static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Whether this kernel fills page tables on advice (Linux 5.14 and later).
    private static var kernelFillsPageTables: Bool {
        guard let memory = mmap(nil, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              memory != MAP_FAILED else { return false }
        defer { munmap(memory, page) }
        return HeapPrefault.fillPageTables(memory, count: page)
    }

    private static func minorFaults() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_minflt
    }

    @Test(.enabled(if: BackgroundThread.hasAnotherCore, "one core: there is no other to run on"))
    func backgroundWorkRunsOnAnotherCore() {
        let done = DispatchSemaphore(value: 0)
        let ran = Mutex(-1)
        // The caller's core when the thread is started: the thread may not run there.
        let caller = BackgroundThread.currentCore()
        let started = BackgroundThread.start {
            ran.set(BackgroundThread.currentCore() ?? -1)
            done.signal()
        }
        #expect(started)
        #expect(done.wait(timeout: .now() + 10) == .success, "the work never ran")
        #expect(caller != nil)
        #expect(ran.value >= 0)
        #expect(ran.value != caller, "ran on the caller's core")
    }

    @Test(.enabled(if: kernelFillsPageTables, "this kernel does not fill page tables on advice (before Linux 5.14)"))
    func filledPageTablesKeepTheBytesAndTakeTheFaults() throws {
        let pages = 2048, count = pages * Self.page
        let memory = try #require(mmap(nil, count, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(memory != MAP_FAILED)
        defer { munmap(memory, count) }
        let words = memory.bindMemory(to: UInt64.self, capacity: count / 8)
        let perPage = Self.page / 8
        // The first half written (and so faulted in) before, the second half after.
        for page in 0 ..< pages / 2 { words[page * perPage] = UInt64(page) ^ 0x5A5A_5A5A_5A5A }
        #expect(HeapPrefault.fillPageTables(memory, count: count))
        let before = Self.minorFaults()
        for page in pages / 2 ..< pages { words[page * perPage] = UInt64(page) ^ 0x5A5A_5A5A_5A5A }
        let faults = Self.minorFaults() - before
        // Other threads of the test process may fault meanwhile: far fewer than a fault per page.
        #expect(faults < pages / 8, "\(faults) faults writing \(pages / 2) filled pages")
        let kept = (0 ..< pages).allSatisfy { words[$0 * perPage] == UInt64($0) ^ 0x5A5A_5A5A_5A5A }
        #expect(kept, "a byte written before changed")
    }

    /// Only when enabled (by a command that tunes the allocator), for a block worth a thread,
    /// and with another core to run on.
    @Test func aThreadIsStartedOnlyWhenEnabledForALargeBlock() {
        #expect(!HeapPrefault.ahead(4 << 20), "started while disabled")
        HeapPrefault.enabled = true
        defer { HeapPrefault.enabled = false }
        #expect(!HeapPrefault.ahead(HeapPrefault.minimumBytes - 1), "started for a small block")
        #expect(HeapPrefault.ahead(4 << 20) == BackgroundThread.hasAnotherCore)
        let values = [UInt8](repeating: 7, count: 4 << 20)
        #expect(values.allSatisfy { $0 == 7 })
    }
}

/// A value one thread sets and another reads, under a lock.
private final class Mutex: @unchecked Sendable {
    private var stored: Int
    private let lock = NSLock()
    init(_ value: Int) { stored = value }
    var value: Int { lock.withLock { stored } }
    func set(_ value: Int) { lock.withLock { stored = value } }
}
