import Foundation
import LRSOptim

/// `plot lr`: every group's learning rate over the run as a character chart, one marker
/// per group, fitted to `width` columns.
enum RateChart {
    static let markers: [Character] = ["*", "+", "o", "x", "#", "@", "%", "&", "=", "~"]
    static let height = 12

    static func render(_ table: RateTable, width: Int) -> String {
        let steps = table.steps
        guard steps > 0, !table.groups.isEmpty else { return "no steps to plot\n" }
        var low = Double.infinity
        var high = -Double.infinity
        for s in 0 ..< steps {
            for g in table.groups.indices {
                let v = table.lr(step: s, group: g)
                if v.isFinite { low = min(low, v); high = max(high, v) }
            }
        }
        guard low.isFinite, high.isFinite else { return "no finite rates to plot\n" }
        if high - low <= abs(high) * 1e-12 { let pad = max(abs(high) * 0.1, 1e-12); low -= pad; high += pad }
        var labels: [String] = []
        for row in 0 ..< height {
            let labelled = row == 0 || row == height - 1 || row == height / 2
            let value: Double = high - (high - low) * Double(row) / Double(height - 1)
            labels.append(labelled ? String(format: "%.3g", value) : "")
        }
        let labelWidth = labels.map { $0.count }.max() ?? 0
        let columns = max(10, min(width, 400) - labelWidth - 2)
        var grid = [[Character]](repeating: [Character](repeating: " ", count: columns), count: height)
        for c in 0 ..< columns {
            let step = min(steps - 1, c * steps / columns)
            for g in table.groups.indices {
                let v = table.lr(step: step, group: g)
                guard v.isFinite else { continue }
                let row = Int(((high - v) / (high - low) * Double(height - 1)).rounded())
                grid[min(max(row, 0), height - 1)][c] = markers[g % markers.count]
            }
        }
        var out = ""
        for row in 0 ..< height {
            let label = labels[row]
            out += String(repeating: " ", count: labelWidth - label.count) + label + " |"
            out += String(grid[row]).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        out += String(repeating: " ", count: labelWidth) + " +" + String(repeating: "-", count: columns) + "\n"
        let left = "step 0"
        let right = "\(steps) (\(table.epochs) epochs x \(table.stepsPerEpoch))"
        out += String(repeating: " ", count: labelWidth + 2) + left
            + String(repeating: " ", count: max(1, columns - left.count - right.count)) + right + "\n"
        let legend = table.groups.enumerated().map { g, name in
            "\(markers[g % markers.count]) \(name)" + (table.heldConstant.contains(name) ? " (held)" : "")
        }
        out += legend.joined(separator: "  ") + "\n"
        return out
    }
}
