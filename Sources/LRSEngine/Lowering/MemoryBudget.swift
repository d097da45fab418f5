import Foundation

/// The memory this process can really have: the smallest of physical memory, the cgroup's
/// memory limit and the address-space limit (RLIMIT_AS, `ulimit -v`, `prlimit --as`),
/// less what the process already uses against each.
public struct MemoryBudget: Sendable, Equatable {
    public let bytes: Int
    /// Which limit it is, for the message: "physical memory", "the cgroup memory limit",
    /// "the address-space limit".
    public let limit: String

    public init(bytes: Int, limit: String) {
        self.bytes = bytes
        self.limit = limit
    }

    /// Address space a run takes beyond what it allocates itself: OpenBLAS's 128 MiB
    /// buffer (it retries a failed allocation for ever, so running short here hangs rather
    /// than fails), per core a malloc arena of 64 MiB and an 8 MiB thread stack, and 32 MiB
    /// for everything else. Only RLIMIT_AS counts these reservations; physical and cgroup
    /// memory count only the pages touched. (Measured: the digits sample needs 600 MiB of
    /// address space with the release build on 2 cores, and hung in OpenBLAS at 300 MiB.)
    static func addressSpaceOverhead(cores: Int) -> Int {
        (128 + 32) * (1 << 20) + (64 + 8) * (1 << 20) * max(cores, 1)
    }

    /// This process's budget now, or nil when no limit is known.
    public static func current() -> MemoryBudget? {
        var candidates: [MemoryBudget] = []
        let resident = currentUsage(field: 1)
        if let physical = MemoryEstimate.physicalMemory() {
            candidates.append(MemoryBudget(bytes: max(physical - resident, 0), limit: "physical memory"))
        }
        if let cgroup = cgroupLimit() {
            candidates.append(MemoryBudget(bytes: max(cgroup - resident, 0), limit: "the cgroup memory limit"))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur < UInt64(Int.max) {  // RLIM_INFINITY is all ones
            let overhead = addressSpaceOverhead(cores: ProcessInfo.processInfo.activeProcessorCount)
            let free = Int(limit.rlim_cur) - currentUsage(field: 0) - overhead
            candidates.append(MemoryBudget(bytes: max(free, 0), limit: "the address-space limit"))
        }
        return candidates.min { $0.bytes < $1.bytes }
    }

    /// Bytes of /proc/self/statm's field (0: virtual size, 1: resident), 0 if unknown.
    private static func currentUsage(field: Int) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard field < fields.count, let pages = Int(fields[field].trimmingCharacters(in: .whitespacesAndNewlines)) else { return 0 }
        let page = sysconf(Int32(_SC_PAGESIZE))
        return pages.multipliedReportingOverflow(by: page).overflow ? Int.max : pages * page
    }

    /// The tightest memory limit of this process's cgroup and its ancestors (v2
    /// `memory.max`, v1 `memory.limit_in_bytes`), nil when none is set.
    static func cgroupLimit() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        var files: [String] = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            let path = String(parts[2])
            if parts[0] == "0" && parts[1].isEmpty {
                files += ancestors(path).map { "/sys/fs/cgroup\($0)/memory.max" }
            } else if parts[1].split(separator: ",").contains("memory") {
                files += ancestors(path).map { "/sys/fs/cgroup/memory\($0)/memory.limit_in_bytes" }
            }
        }
        // Inside a container the paths above may not exist; its own root is then the limit.
        files += ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
        let limits = files.compactMap { path -> Int? in
            guard let value = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            // "max", or v1's page-rounded Int64.max, mean no limit.
            guard let bytes = Int(value.trimmingCharacters(in: .whitespacesAndNewlines)), bytes < 1 << 60 else { return nil }
            return bytes
        }
        return limits.min()
    }

    /// "/a/b" -> ["/a/b", "/a", ""].
    private static func ancestors(_ path: String) -> [String] {
        var result: [String] = []
        var current = path.hasSuffix("/") ? String(path.dropLast()) : path
        while true {
            result.append(current)
            guard let slash = current.lastIndex(of: "/") else { break }
            current = String(current[..<slash])
            if current.isEmpty { result.append(""); break }
        }
        return result
    }
}
