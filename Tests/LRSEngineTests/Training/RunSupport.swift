import Foundation
import TestSupport
import LRSEngine
import LRSLanguage

/// Runs a script in-process as `lrs run` does, collecting its epoch reports.
final class ReportCollector: TrainingObserver {
    var reports: [EpochReport] = []
    func epochFinished(_ report: EpochReport) { reports.append(report) }
}

enum ScriptRunner {
    /// Writes `text` as `run.lrs` in a fresh directory, prepares and executes it.
    static func run(_ text: String, in directory: String = Fixtures.temporaryDirectory(),
                    options: ScriptRun.Options = ScriptRun.Options()) -> (reports: [EpochReport], diagnostics: [Diagnostic]) {
        let source = SourceFile(path: directory + "/run.lrs", text: text)
        let run: ScriptRun
        switch ScriptRun.prepare(source, options: options) {
        case .failure(let list): return ([], list.diagnostics)
        case .success(let prepared): run = prepared
        }
        let collector = ReportCollector()
        do {
            _ = try run.execute(observer: collector) { _ in }
            return (collector.reports, run.diagnostics)
        } catch {
            return (collector.reports, run.diagnostics + [error])
        }
    }
}
