import LRSFiles
import Foundation

/// Writes the contract's trace (section 11): one JSON object per optimizer step,
/// `{"epoch": E, "step": S, "loss": L, "lr": {"GROUP": LR, ...}}`, groups in declaration
/// order, numbers in shortest round-trip form.
///
/// Lines are buffered and the file is replaced atomically on `finish`, so an interrupted
/// run never leaves a torn line behind; a resumed run starts from the lines it had.
public final class TraceWriter {
    public let path: String
    private var text: String

    public init(path: String, resumingWith existing: String = "") {
        self.path = path
        self.text = existing
    }

    /// `scheduled` adds, after `lr`, the values of the `weight_decay` and `momentum` that
    /// schedules move (`"weight_decay": {"GROUP": V}`), only for the groups they move.
    public func record(epoch: Int, step: Int, loss: Double, rates: [(group: String, lr: Double)],
                       scheduled: [(name: String, values: [(group: String, value: Double)])] = []) {
        text += "{\"epoch\": \(epoch), \"step\": \(step), \"loss\": \(JSONNumber.format(loss)), \"lr\": {"
        for (i, rate) in rates.enumerated() {
            if i > 0 { text += ", " }
            text += JSON.string(rate.group) + ": " + JSONNumber.format(rate.lr)
        }
        text += "}"
        for (name, values) in scheduled {
            text += ", " + JSON.string(name) + ": {"
            for (i, entry) in values.enumerated() {
                if i > 0 { text += ", " }
                text += JSON.string(entry.group) + ": " + JSONNumber.format(entry.value)
            }
            text += "}"
        }
        text += "}\n"
    }

    public func finish() throws {
        try AtomicFile.write(text: text, to: path)
    }
}

/// Numbers as JSON: shortest round-trip, with the non-finite values JSON lacks spelled
/// as Python's json module does, so a diverged run's trace is still readable.
public enum JSONNumber {
    public static func format(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        if x == x.rounded(), abs(x) < 1e16 { return String(format: "%.1f", x) }
        return "\(x)"
    }
}
