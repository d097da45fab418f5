import Foundation

extension EpochReport {
    /// `epoch  3/30  loss 0.1234  acc 96.2%  val_loss 0.1100  val_acc 97.0%  lr hidden 0.00291 out 0.00097  0.12s`;
    /// the rates are those the epoch's steps used, `FIRST..LAST` when a per-step schedule
    /// moved them within it, in the schedule table's 6 significant digits.
    public var line: String {
        let digits = String(epochs).count
        var parts = ["epoch " + String(repeating: " ", count: max(0, digits - String(epoch).count)) + "\(epoch)/\(epochs)"]
        parts.append(String(format: "loss %.4f", meanLoss))
        if let a = accuracy { parts.append(String(format: "acc %.1f%%", a * 100)) }
        if let v = validationLoss { parts.append(String(format: "val_loss %.4f", v)) }
        if let a = validationAccuracy { parts.append(String(format: "val_acc %.1f%%", a * 100)) }
        parts.append("lr " + rates.map { "\($0.group) " + $0.shown }.joined(separator: " "))
        parts.append(seconds < 1 ? String(format: "%.0fms", seconds * 1000) : String(format: "%.2fs", seconds))
        return parts.joined(separator: "  ")
    }
}

extension EpochRate {
    /// `0.001`, or `0.001..0.0005` when the rate moved within the epoch.
    var shown: String {
        let first = String(format: "%.6g", first), last = String(format: "%.6g", last)
        return first == last ? first : first + ".." + last
    }
}
