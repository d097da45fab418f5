import Foundation
import LRSOptim

extension ScheduleReport {
    /// An aligned table for the terminal: a row per epoch (per optimizer step when some
    /// rate moves inside an epoch), a column per group, rates to 6 significant digits.
    /// Groups that do not fit in `options.width` continue in a further block. Unless
    /// `options.all`, a long run shows one row per epoch (its first step's rates) and at
    /// most `options.maximumRows` evenly spaced rows, the first and the last among them.
    public static func text(_ table: RateTable, options: Options = Options()) -> String {
        let limit = max(options.maximumRows, 2)
        let moves = table.stepsPerEpoch > 1 && movesWithinEpochs(table)
        let perStep = moves && (options.all || table.steps <= limit)
        let allRows = perStep ? Array(0..<table.steps) : (0..<table.epochs).map { $0 * table.stepsPerEpoch }
        let rows = options.all ? allRows : sample(allRows, count: limit)
        let unit = perStep ? "steps" : "epochs"
        guard !table.groups.isEmpty, !rows.isEmpty else {
            return table.groups.isEmpty ? "no groups\n" : "no \(unit) (0 epochs)\n"
        }

        var lead: [(String, [String])] = [("epoch", rows.map { String($0 / max(table.stepsPerEpoch, 1)) })]
        if perStep { lead.append(("step", rows.map(String.init))) }
        let held = Set(table.heldConstant)
        let columns: [(String, [String])] = table.groups.enumerated().map { g, name in
            let header = clip(name, to: 24) + (held.contains(name) ? "*" : "")
            return (header, rows.map { compact(table.lr(step: $0, group: g)) })
        }

        let leadWidths = lead.map { c in max(c.0.count, c.1.map(\.count).max() ?? 0) }
        let leadWidth = leadWidths.reduce(0) { $0 + $1 + 2 }
        var blocks: [[Int]] = [[]]
        var used = leadWidth
        for (g, column) in columns.enumerated() {
            let w = columnWidth(column) + 2
            if let last = blocks.last, !last.isEmpty, used + w > max(options.width, 20) {
                blocks.append([])
                used = leadWidth
            }
            blocks[blocks.count - 1].append(g)
            used += w
        }

        var out = ""
        for (b, block) in blocks.enumerated() {
            if b > 0 { out += "\n" }
            var header = zip(lead, leadWidths).map { pad($0.0, $1) }.joined(separator: "  ")
            for g in block { header += "  " + pad(columns[g].0, columnWidth(columns[g])) }
            out += header + "\n"
            for r in rows.indices {
                var line = zip(lead, leadWidths).map { pad($0.1[r], $1) }.joined(separator: "  ")
                for g in block { line += "  " + pad(columns[g].1[r], columnWidth(columns[g])) }
                out += line + "\n"
            }
        }
        if moves && !perStep {
            out += "(rates at each epoch's first step; they also move within epochs)\n"
        }
        if rows.count < allRows.count || (moves && !perStep) {
            out += "(\(rows.count) of \(table.steps) optimizer steps shown; every step: --all)\n"
        }
        if !held.isEmpty {
            out += "* plateau: held at its initial rate (it needs the training losses)\n"
        }
        return out
    }

    /// Whether any group's rate changes between two steps of the same epoch.
    static func movesWithinEpochs(_ table: RateTable) -> Bool {
        let width = table.groups.count
        return table.rates.withUnsafeBufferPointer { r in
            for step in 0..<table.steps where step % table.stepsPerEpoch != 0 {
                for g in 0..<width where r[step * width + g] != r[(step - 1) * width + g] { return true }
            }
            return false
        }
    }

    /// `count` evenly spaced elements of `values`, the first and the last among them.
    static func sample(_ values: [Int], count: Int) -> [Int] {
        guard values.count > count, count >= 2 else { return values }
        let span = Double(values.count - 1)
        var picked: [Int] = []
        for i in 0..<count {
            let index = Int((Double(i) * span / Double(count - 1)).rounded())
            if picked.last != values[index] { picked.append(values[index]) }
        }
        return picked
    }

    /// 6 significant digits, as `%g` writes them (`0.00995`, `1e-05`, `0.1`).
    static func compact(_ value: Double) -> String {
        String(format: "%.6g", value)
    }

    private static func columnWidth(_ column: (String, [String])) -> Int {
        max(column.0.count, column.1.map(\.count).max() ?? 0)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    private static func clip(_ text: String, to width: Int) -> String {
        text.count <= width ? text : String(text.prefix(width - 1)) + "~"
    }
}
