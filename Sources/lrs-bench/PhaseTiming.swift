import Foundation

/// Runs `body` `warmup` times, then `iterations` times, and prints the median in ms; with
/// `cpuTime`, also the process's CPU time (all threads, user + system) per iteration as
/// `NAME_cpu_ms`: on a loaded machine the CPU time moves less than the wall time.
func timePhase(_ name: String, iterations: Int, warmup: Int, cpuTime: Bool, _ body: () -> Void) {
    for _ in 0..<warmup { body() }
    var times: [Double] = []
    times.reserveCapacity(iterations)
    let cpuStart = processCPUNanoseconds()
    for _ in 0..<iterations {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    let cpu = Double(processCPUNanoseconds() - cpuStart) / 1e6 / Double(iterations)
    times.sort()
    print("\(name) \(formatMeasure(times[times.count / 2]))")
    if cpuTime { print("\(name.replacingOccurrences(of: "_ms", with: "_cpu_ms")) \(formatMeasure(cpu))") }
}

/// CPU time of every thread of this process (user + system), in ns.
func processCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// A measure as the bench scripts read it.
func formatMeasure(_ value: Double) -> String { String(format: "%.4f", value) }

/// `[--only NAME] [--iterations N] [--warmup W]`, the options of `lrs-bench runtime` and
/// `lrs-bench arch`; a value that does not parse keeps the default.
struct WorkloadOptions {
    var only: String?
    var iterations: Int
    var warmup: Int

    init(_ args: [String], iterations: Int, warmup: Int) {
        self.iterations = iterations
        self.warmup = warmup
        var index = 0
        while index + 1 < args.count {
            if args[index] == "--only" { only = args[index + 1] }
            if args[index] == "--iterations", let n = Int(args[index + 1]), n > 0 { self.iterations = n }
            if args[index] == "--warmup", let n = Int(args[index + 1]), n >= 0 { self.warmup = n }
            index += 2
        }
    }
}
