import ArgumentParser
import Foundation
import LRSEngine
import LRSLanguage

/// `lrs run FILE...`: runs scripts. One script with single `-D` values runs here, in this
/// process; several scripts, a `-D` with several values, `--jobs`, `--results` or `--out`
/// make a batch of separate runs (see `BatchCommand`).
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run scripts: train, save, show; or a grid of runs with several -D values."
    )

    @Argument(help: "The scripts to run.")
    var files: [String]

    @Option(name: .customShort("D"), help: ArgumentHelp("Override a 'let'; V1,V2,... makes a grid.", valueName: "NAME=VALUE"))
    var defines: [String] = []

    @Option(help: ArgumentHelp("Write one JSON line per optimizer step.", valueName: "FILE.jsonl"))
    var trace: String?

    @Option(help: ArgumentHelp("Continue a run from a checkpoint, exactly.", valueName: "CHECKPOINT"))
    var resume: String?

    @Flag(help: "Print no epoch lines.")
    var quiet = false

    @Option(help: "Runs at a time in a batch.")
    var jobs: Int?

    @Option(help: ArgumentHelp("Write the batch's results table (.csv, .json or .md).", valueName: "FILE"))
    var results: String?

    @Option(help: ArgumentHelp("Directory for a batch's runs (default runs/DATE-TIME).", valueName: "DIR"))
    var out: String?

    @Option(help: .hidden)
    var summary: String?

    @Option(help: .hidden)
    var outputDir: String?

    var isBatch: Bool {
        files.count > 1 || jobs != nil || results != nil || out != nil
            || ((try? LetOverrides.axesOrUsageError(defines)) ?? []).contains { $0.values.count > 1 }
    }

    func validate() throws {
        if files.isEmpty { throw ValidationError("no script given") }
        let axes = try LetOverrides.axesOrUsageError(defines)
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
        if let results, ResultsTable.Format(path: results) == nil {
            throw ValidationError("--results must end in .csv, .json or .md")
        }
        if isBatch {
            if resume != nil { throw ValidationError("--resume continues one run; it cannot be used with a batch") }
            if trace != nil { throw ValidationError("--trace names one run's trace; a batch writes one per run under --out") }
        }
        _ = axes
    }

    func run() throws {
        try OutputFlags.require("lrs run", [.init(flag: "--trace", path: trace),
                                            .init(flag: "--results", path: results),
                                            .init(flag: "--out", path: out, isDirectory: true)])
        if isBatch {
            try BatchCommand(files: files, axes: try LetOverrides.axesOrUsageError(defines), jobs: jobs ?? 1, results: results,
                             out: out, quiet: quiet).run()
            return
        }
        try runOne(files[0])
    }

    private func runOne(_ path: String) throws {
        var summaryRecord = RunSummary(status: .failed)
        defer { if let summary { try? summaryRecord.write(to: summary) } }
        guard let source = SourceFile(contentsOf: path) else {
            Terminal.writeError("lrs run: " + SourceFile.cannotRead(path) + "\n")
            summaryRecord = RunSummary(unreadable: path)
            throw ExitCode(1)
        }
        var options = ScriptRun.Options()
        options.overrides = try LetOverrides.valuesOrUsageError(defines)
        options.tracePath = trace
        options.resumePath = resume
        options.outputDirectory = outputDir
        let prepared = ScriptRun.prepare(source, options: options)
        let run: ScriptRun
        switch prepared {
        case .failure(let list):
            Terminal.printDiagnostics(list.diagnostics, in: source)
            summaryRecord = RunSummary(failedAt: list.diagnostics.first { $0.severity == .error }, in: source)
            throw ExitCode(1)
        case .success(let r):
            run = r
            Terminal.printDiagnostics(r.diagnostics.filter { $0.severity != .note }, in: source)
        }
        let printer = EpochPrinter(quiet: quiet)
        // Ctrl-C stops the run at the next batch boundary, with the trace written; a second
        // one ends it at once.
        RunInterrupt.install()
        defer { RunInterrupt.uninstall() }
        printer.stopRequested = { RunInterrupt.requested != 0 }
        do {
            summaryRecord = try run.execute(observer: printer) { Terminal.writeOutput($0) }
            Terminal.printDiagnostics(run.notes, in: source)
        } catch {
            printer.clearProgress()
            Terminal.printDiagnostics(run.notes, in: source)
            if case .interrupted(let epoch, let step) = error.condition {
                Terminal.writeError("lrs run: " + run.interruption(epoch: epoch, step: step).message + "\n")
                summaryRecord = RunSummary(interruptedAfter: epoch)
                throw ExitCode(130)
            }
            Terminal.printDiagnostics([error], in: source)
            summaryRecord = RunSummary(failedAt: error, in: source)
            throw ExitCode(1)
        }
    }
}

/// Ctrl-C (SIGINT) during `lrs run`: the first asks the run to stop, a second exits at once.
enum RunInterrupt {
    nonisolated(unsafe) static var requested: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            if RunInterrupt.requested != 0 { _exit(130) }
            RunInterrupt.requested = 1
        }
    }

    static func uninstall() {
        signal(SIGINT, SIG_DFL)
    }
}
