import Foundation
import LRSRuntime

/// Runs a grid's runs as separate `lrs run` processes, `jobs` at a time.
///
/// Each run gets a directory under `outputDirectory` holding its log (everything the run
/// printed), its trace, its summary and the files it saves. A run that fails is recorded
/// and the others go on; `cancel()` (Ctrl-C) ends the running ones and starts no more,
/// keeping what finished.
public final class BatchRunner: @unchecked Sendable {
    public struct Outcome: Sendable {
        public let run: GridPlan.Run
        public let directory: String
        /// nil when the run never started (the batch was cancelled first).
        public let summary: RunSummary?
    }

    public struct Progress: Sendable {
        public let done: Int
        public let running: Int
        public let failed: Int
        public let total: Int
        /// Estimated seconds until every run has finished, once one has.
        public let secondsLeft: Double?
    }

    private let executable: String
    private let plan: GridPlan
    private let jobs: Int
    private let outputDirectory: String
    /// Estimated cost of each run by plan index: the costliest start first, so that a long
    /// run does not start last and finish alone while the other cores idle.
    private let costs: [Int: Double]
    private let lock = NSLock()
    private var running: [Int: ChildProcess] = [:]
    private var ended: [Int] = []
    private var cancelled = false

    public init(executable: String, plan: GridPlan, jobs: Int, outputDirectory: String, costs: [Int: Double] = [:]) {
        self.costs = costs
        self.executable = executable
        self.plan = plan
        self.jobs = max(1, jobs)
        self.outputDirectory = outputDirectory
    }

    /// The directory of one run: its number and script name, then its values.
    public func directory(of run: GridPlan.Run) -> String {
        let script = URL(fileURLWithPath: run.script).deletingPathExtension().lastPathComponent
        let values = run.overrides.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
        let safe = (values.isEmpty ? script : script + "," + values).map { c -> Character in
            c.isLetter || c.isNumber || "=,.-_".contains(c) ? c : "_"
        }
        return outputDirectory + "/" + String(format: "%03d-", run.index + 1) + String(safe.prefix(80))
    }

    /// Ends the running runs and starts no more. Safe to call from a signal handler's queue.
    public func cancel() {
        lock.lock()
        cancelled = true
        let processes = Array(running.values)
        lock.unlock()
        for p in processes { p.terminate() }
    }

    /// Runs every run and returns their outcomes in plan order.
    ///
    /// `shouldCancel` is polled ten times a second (a signal handler can only set a flag).
    public func run(shouldCancel: @escaping () -> Bool = { false },
                    onProgress: @escaping @Sendable (Progress) -> Void = { _ in }) throws -> [Outcome] {
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        var outcomes: [Int: Outcome] = [:]
        var pending = plan.runs.enumerated().sorted { a, b in
            let (ca, cb) = (costs[a.element.index] ?? 0, costs[b.element.index] ?? 0)
            return ca != cb ? ca > cb : a.offset < b.offset
        }.map(\.element)[...]
        let finished = DispatchSemaphore(value: 0)
        var durations: [Double] = []
        var failed = 0
        var started: [Int: Date] = [:]

        func report() {
            lock.lock()
            let active = running.count
            lock.unlock()
            let remaining = pending.count + active
            let mean = durations.isEmpty ? nil : durations.reduce(0, +) / Double(durations.count)
            onProgress(Progress(done: outcomes.count, running: active, failed: failed, total: plan.runs.count,
                                secondsLeft: mean.map { $0 * Double(remaining) / Double(jobs) }))
        }

        while true {
            // Before starting anything: Ctrl-C may have come while runs were ending.
            if shouldCancel() { cancel() }
            lock.lock()
            let stop = cancelled
            var launch: [GridPlan.Run] = []
            while !stop, running.count + launch.count < jobs, let next = pending.first {
                launch.append(next)
                pending = pending.dropFirst()
            }
            lock.unlock()
            for run in launch {
                let dir = directory(of: run)
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
                let index = run.index
                // Registered under the lock it ends under, so its end is always found.
                lock.lock()
                defer { lock.unlock() }
                running[run.index] = try start(run, in: dir) { [self] in
                    lock.lock()
                    ended.append(index)
                    lock.unlock()
                    finished.signal()
                }
                started[run.index] = Date()
            }
            lock.lock()
            let active = running.count
            lock.unlock()
            report()
            if active == 0 { break }
            while finished.wait(timeout: .now() + .milliseconds(100)) == .timedOut {
                if shouldCancel() { cancel() }
            }
            // Collect whatever has ended. Ctrl-C reaches the runs (the terminal signals the
            // whole process group) as soon as it reaches the batch, so a run that it ended
            // means Ctrl-C: the batch stops too, even before its own handler has told it.
            lock.lock()
            let endedNow = ended.compactMap { i in running[i].map { (i, $0) } }
            for (index, _) in endedNow { running[index] = nil }
            ended.removeAll { i in endedNow.contains { $0.0 == i } }
            lock.unlock()
            if shouldCancel() || endedNow.contains(where: { Self.wasInterrupted($0.1.ended) }) { cancel() }
            lock.lock()
            let wasCancelled = cancelled
            lock.unlock()
            for (index, process) in endedNow {
                let run = plan.runs[index]
                let dir = directory(of: run)
                let seconds = Date().timeIntervalSince(started[index] ?? Date())
                var summary = RunSummary.read(from: dir + "/summary.json") ?? RunSummary(status: .failed)
                switch process.ended {
                case let ending? where Self.wasInterrupted(ending):
                    summary.status = .interrupted
                case .signalled(let signal)?:
                    summary.status = wasCancelled ? .interrupted : .failed
                    if summary.error == nil, !wasCancelled { summary.error = "killed by signal \(signal)" }
                case .exited(let code)?:
                    if summary.status == .ok, code != 0 { summary.status = .failed }
                    if summary.status != .ok, summary.error == nil {
                        summary.error = Self.lastErrorLine(in: dir + "/log.txt") ?? "exit status \(code)"
                    }
                case nil:
                    break
                }
                if wasCancelled, summary.status != .ok { summary.status = .interrupted }
                summary.seconds = seconds
                if summary.status == .failed { failed += 1 }
                durations.append(seconds)
                outcomes[index] = Outcome(run: run, directory: dir, summary: summary)
            }
        }
        for run in plan.runs where outcomes[run.index] == nil {
            outcomes[run.index] = Outcome(run: run, directory: directory(of: run), summary: nil)
        }
        return plan.runs.map { outcomes[$0.index]! }
    }

    private func start(_ run: GridPlan.Run, in dir: String, whenDone: @escaping @Sendable () -> Void) throws -> ChildProcess {
        // Runs side by side share the cores rather than each spinning up threads for all
        // (OpenMP's too: this process may have set its own count for oneDNN).
        var environment = ProcessInfo.processInfo.environment
        let threads = String(Swift.max(1, ParallelFor.availableCores() / jobs))
        environment["LRS_THREADS"] = threads
        environment["OMP_NUM_THREADS"] = threads
        return try ChildProcess(executable: executable, arguments: ["run", run.script] + run.defineArguments + [
            "--trace", dir + "/trace.jsonl", "--summary", dir + "/summary.json", "--output-dir", dir,
        ], environment: environment, log: dir + "/log.txt", whenDone: whenDone)
    }

    /// Whether a run ended by Ctrl-C: killed by SIGINT, or exited 130 as `lrs run` does
    /// when it stops at SIGINT.
    static func wasInterrupted(_ ending: ChildProcess.Ending?) -> Bool {
        ending == .signalled(SIGINT) || ending == .exited(130)
    }

    /// The last line of a log that reads like a diagnostic, for the results table.
    static func lastErrorLine(in path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        return lines.last { $0.contains("error:") }.map(String.init) ?? lines.last.map(String.init)
    }
}
