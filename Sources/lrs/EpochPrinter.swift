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
        Terminal.writeOutput(Self.line(report) + "\n")
    }

    /// `epoch  3/30  loss 0.1234  acc 96.2%  val_loss 0.1100  val_acc 97.0%  lr hidden 0.00291 out 0.00097  0.12s`;
    /// the rates are those the epoch's steps used, `FIRST..LAST` when a per-step schedule
    /// moved them within it, in the schedule table's 6 significant digits.
    static func line(_ r: EpochReport) -> String {
        let digits = String(r.epochs).count
        var parts = ["epoch " + String(repeating: " ", count: max(0, digits - String(r.epoch).count)) + "\(r.epoch)/\(r.epochs)"]
        parts.append(String(format: "loss %.4f", r.meanLoss))
        if let a = r.accuracy { parts.append(String(format: "acc %.1f%%", a * 100)) }
        if let v = r.validationLoss { parts.append(String(format: "val_loss %.4f", v)) }
        if let a = r.validationAccuracy { parts.append(String(format: "val_acc %.1f%%", a * 100)) }
        parts.append("lr " + r.rates.map { "\($0.group) " + rate($0) }.joined(separator: " "))
        parts.append(r.seconds < 1 ? String(format: "%.0fms", r.seconds * 1000) : String(format: "%.2fs", r.seconds))
        return parts.joined(separator: "  ")
    }

    static func rate(_ rate: EpochRate) -> String {
        let first = String(format: "%.6g", rate.first), last = String(format: "%.6g", rate.last)
        return first == last ? first : first + ".." + last
    }
}
