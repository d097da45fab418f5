import LRSFiles
import Foundation

/// The table at the end of a batch: script, the values, final training loss, best
/// validation loss and accuracy, time, status. Rendered for the terminal, or as CSV,
/// JSON or Markdown by the results file's extension.
public struct ResultsTable: Sendable {
    public enum Format: String, Sendable {
        case text, csv, json, md

        /// The format a results file's extension asks for, if lrs writes it.
        public init?(path: String) {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": self = .csv
            case "json": self = .json
            case "md", "markdown": self = .md
            default: return nil
            }
        }
    }

    public let axes: [String]
    public let outcomes: [BatchRunner.Outcome]

    public init(axes: [String], outcomes: [BatchRunner.Outcome]) {
        self.axes = axes
        self.outcomes = outcomes
    }

    var header: [String] {
        ["script"] + axes + ["final_loss", "best_val_loss", "best_val_acc", "seconds", "status", "error"]
    }

    func cells(_ o: BatchRunner.Outcome) -> [String] {
        let s = o.summary
        let number = { (x: Double?, digits: Int) in x.map { String(format: "%.\(digits)f", $0) } ?? "" }
        let values = axes.map { axis in o.run.overrides.first { $0.name == axis }?.value ?? "" }
        return [o.run.script] + values + [
            number(s?.finalLoss, 4), number(s?.bestValidationLoss, 4), number(s?.bestValidationAccuracy, 4),
            number(s?.seconds, 2), s?.status.rawValue ?? "not run", s?.error ?? "",
        ]
    }

    public func render(_ format: Format) -> String {
        let rows = outcomes.map(cells)
        switch format {
        case .csv:
            return ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .md:
            var out = "| " + header.joined(separator: " | ") + " |\n"
            out += "|" + header.map { _ in " --- |" }.joined() + "\n"
            for row in rows { out += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
            return out
        case .json:
            let objects = outcomes.map { o -> String in
                let s = o.summary
                var fields = ["\"script\": \(JSON.string(o.run.script))"]
                let values = o.run.overrides.map { "\(JSON.string($0.name)): \(JSON.string($0.value))" }
                fields.append("\"values\": {\(values.joined(separator: ", "))}")
                let opt = { (x: Double?) in x.map(JSONNumber.format) ?? "null" }
                fields.append("\"final_loss\": \(opt(s?.finalLoss))")
                fields.append("\"best_val_loss\": \(opt(s?.bestValidationLoss))")
                fields.append("\"best_val_acc\": \(opt(s?.bestValidationAccuracy))")
                fields.append("\"seconds\": \(opt(s?.seconds))")
                fields.append("\"status\": \"\(s?.status.rawValue ?? "not run")\"")
                fields.append("\"error\": \(s?.error.map(JSON.string) ?? "null")")
                fields.append("\"directory\": \(JSON.string(o.directory))")
                return "  {" + fields.joined(separator: ", ") + "}"
            }
            return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
        case .text:
            let all = [header] + rows.map { row in row.enumerated().map { i, c in i == row.count - 1 ? String(c.prefix(60)) : c } }
            let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
            return all.map { row in
                row.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingTrailingSpaces
            }.joined(separator: "\n") + "\n"
        }
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
