import Foundation
import LRSLanguage

/// What `lrs run` does with a batch, phase by phase: check every run of the grid before
/// any starts (and estimate each one's work, to start the longest first), run them in
/// separate processes (`BatchRunner`), then tabulate them (`ResultsTable`) and settle the
/// exit status. The command line draws the status line, handles Ctrl-C and prints.
public enum ScriptBatch {
    /// Every run of the grid checked, each script read from its file.
    public static func check(_ plan: GridPlan, scripts: [String]) -> GridCheck.Outcome {
        GridCheck.run(plan, scripts: scripts) { path in
            (SourceFile(contentsOf: path), SourceFile.unreadableReason(path))
        }
    }

    /// The batch's directory when `--out` names none: `runs/DATE-TIME`.
    public static func defaultOutputDirectory(at date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "runs/" + formatter.string(from: date)
    }

    /// `runs: 3/8 done, 2 running, 1 failed, about 40s left`.
    public static func statusLine(_ progress: BatchRunner.Progress) -> String {
        var line = "runs: \(progress.done)/\(progress.total) done, \(progress.running) running, \(progress.failed) failed"
        if let left = progress.secondsLeft { line += String(format: ", about %.0fs left", left) }
        return line
    }

    /// 130 when the batch was interrupted (as a shell expects of Ctrl-C, 128 + SIGINT), 1
    /// when a run failed, else 0.
    public static func exitStatus(_ outcomes: [BatchRunner.Outcome], interrupted: Bool) -> Int32 {
        if interrupted || outcomes.contains(where: { $0.summary?.status == .interrupted }) { return 130 }
        if outcomes.contains(where: { $0.summary?.status != .ok }) { return 1 }
        return 0
    }
}
