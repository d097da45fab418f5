import Foundation
import LRSEngine

/// Prints a run's epoch lines on standard output and, on a terminal only, a progress bar
/// on standard error inside long epochs.
final class EpochPrinter: TrainingObserver {
    let quiet: Bool
    private let showsProgress: Bool
    private var lastDraw = ContinuousClock.now
    private var epochStart = ContinuousClock.now
    private var drawn = false
    /// Set by Ctrl-C in the REPL; a script run leaves it alone.
    var stopRequested: () -> Bool = { false }

    init(quiet: Bool) {
        self.quiet = quiet
        showsProgress = !quiet && isatty(2) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    func shouldStop() -> Bool { stopRequested() }

    func batchFinished(_ batch: Int, of batches: Int) {
        guard showsProgress else { return }
        let now = ContinuousClock.now
        if batch == 1 { epochStart = now }
        // Only epochs that last: redraw at most ten times a second, after the first half second.
        guard now - epochStart > .milliseconds(500), now - lastDraw > .milliseconds(100) || batch == batches else { return }
        lastDraw = now
        let width = 30
        let filled = batches > 0 ? width * batch / batches : width
        let bar = String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(batch)/\(batches)".utf8))
        drawn = true
    }

    func clearProgress() {
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }

    func epochFinished(_ report: EpochReport) {
        clearProgress()
        guard !quiet else { return }
        Terminal.writeOutput(report.line + "\n")
    }
}
