import LRSFiles
import ArgumentParser
import Foundation
import LRSEngine
import LRSLanguage

/// A batch of runs: every script for every combination of the `-D` values, N at a time in
/// separate processes, with a live status line on a terminal and a results table at the end.
struct BatchCommand {
    let files: [String]
    let axes: [GridPlan.Axis]
    let jobs: Int
    let results: String?
    let out: String?
    let quiet: Bool

    func run() throws {
        let plan = GridPlan(scripts: files, axes: axes)
        // Every run is checked before any starts: a bad -D name or value stops the batch here,
        // each error said once with the grid points it occurs in.
        let check = ScriptBatch.check(plan, scripts: files)
        for problem in check.problems {
            guard let source = problem.source else {
                Terminal.writeError("lrs run: " + SourceFile.cannotRead(problem.script) + "\n")
                continue
            }
            Terminal.printDiagnostics(problem.diagnostics, in: source)
        }
        if check.failed { throw ExitCode(1) }

        let directory = out ?? ScriptBatch.defaultOutputDirectory()
        let runner = BatchRunner(executable: Self.executablePath(), plan: plan, jobs: jobs, outputDirectory: directory,
                                 costs: check.costs)
        let interactive = isatty(2) != 0 && !quiet
        // Ctrl-C: end the running runs, keep what finished, write the table. (A handler, not
        // SIG_IGN: an ignored signal never reaches anyone on Linux, and children must not
        // inherit the disposition.)
        signal(SIGINT) { _ in BatchInterrupt.requested = 1 }
        signal(SIGTERM) { _ in BatchInterrupt.requested = 1 }
        BatchInterrupt.requested = 0
        defer {
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }

        let outcomes = try runner.run(shouldCancel: { BatchInterrupt.requested != 0 }) { progress in
            guard interactive else { return }
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + ScriptBatch.statusLine(progress)).utf8))
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let table = ResultsTable(axes: axes.map(\.name), outcomes: outcomes)
        Terminal.writeOutput(table.render(.text))
        Terminal.writeOutput("runs in \(directory)\n")
        if let results, let format = ResultsTable.Format(path: results) {
            try AtomicFile.write(text: table.render(format), to: results)
        }
        // After the table is written.
        let status = ScriptBatch.exitStatus(outcomes, interrupted: BatchInterrupt.requested != 0)
        if status != 0 { throw ExitCode(status) }
    }

    /// This executable, for the child runs.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Set by SIGINT/SIGTERM during a batch.
enum BatchInterrupt {
    nonisolated(unsafe) static var requested: sig_atomic_t = 0
}
