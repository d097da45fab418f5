import Foundation
import LRSOptim

extension ScheduleReport {
    /// An aligned table for the terminal: a row per epoch (per optimizer step when some
    /// rate moves inside an epoch), a column per group, rates to 6 significant digits.
    /// Groups that do not fit in `options.width` continue in a further block. Unless
    /// `options.all`, a long run shows one row per epoch (its first step's rates), and when
    /// there are more than `options.maximumRows` of them, every k-th one and the last, with
    /// a `...` row wherever rows are left out, all within `options.maximumRows` lines.
    public static func text(_ table: RateTable, options: Options = Options()) -> String {
        let limit = max(options.maximumRows, 3)
        let moves = table.stepsPerEpoch > 1 && movesWithinEpochs(table)
        let perStep = moves && (options.all || table.steps <= limit)
        let allRows = perStep ? Array(0..<table.steps) : (0..<table.epochs).map { $0 * table.stepsPerEpoch }
        let shown = options.all ? allRows : sample(allRows, lines: limit)
        let unit = perStep ? "steps" : "epochs"
        guard !table.groups.isEmpty, !shown.isEmpty else {
            return table.groups.isEmpty ? "no groups\n" : "no \(unit) (0 epochs)\n"
        }
        // The lines of the table: a row, or `nil` for the mark of rows left out before the next.
        let stride = perStep ? 1 : table.stepsPerEpoch
        var rows: [Int?] = []
        for (i, row) in shown.enumerated() {
            if i > 0, row - shown[i - 1] > stride { rows.append(nil) }
            rows.append(row)
        }
        // The mark stands in the first column alone, so the rates stay easy to scan.
        var lead: [(String, [String])] = [("epoch", rows.map { $0.map { String($0 / max(table.stepsPerEpoch, 1)) } ?? "..." })]
        if perStep { lead.append(("step", rows.map { $0.map(String.init) ?? "" })) }
        let held = Set(table.heldConstant)
        let columns: [(String, [String])] = table.groups.enumerated().map { g, name in
            let header = clip(name, to: 24) + (held.contains(name) ? "*" : "")
            return (header, rows.map { $0.map { compact(table.lr(step: $0, group: g)) } ?? "" })
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
                if rows[r] == nil {
                    out += line + "\n"
                    continue
                }
                for g in block { line += "  " + pad(columns[g].1[r], columnWidth(columns[g])) }
                out += line + "\n"
            }
        }
        if moves && !perStep {
            out += "(rates at each epoch's first step; they also move within epochs)\n"
        }
        if shown.count < allRows.count {
            let every = shown.count > 1 ? (shown[1] - shown[0]) / stride : 1
            let what = perStep ? "steps" : "epochs"
            out += "(\(shown.count) of \(allRows.count) \(what) shown: every \(ordinal(every)) and the last; "
                + (moves ? "every step" : "every epoch") + ": --all)\n"
        } else if moves && !perStep {
            out += "(\(shown.count) of \(table.steps) optimizer steps shown; every step: --all)\n"
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

    /// Every `values` when they fit in `lines`; else every k-th of them and the last, for the
    /// smallest k that leaves room for a `...` line between any two that are not neighbours.
    /// A regular stride, so the rows shown read as a sample rather than as the whole run.
    static func sample(_ values: [Int], lines: Int) -> [Int] {
        guard values.count > lines, lines >= 3 else { return values }
        let last = values.count - 1
        // Fewer than 2 x last / lines cannot fit: start there.
        for every in max(2, 2 * last / lines - 1)... {
            // indices 0, k, 2k, ... below `last`, then `last`: each gap but maybe the final one
            // is elided, so a `...` line follows each of those rows.
            let regular = (last + every - 1) / every
            let finalGap = last - (regular - 1) * every
            let count = regular + 1 + (regular - 1) + (finalGap > 1 ? 1 : 0)
            if count <= lines {
                return Swift.stride(from: 0, to: last, by: every).map { values[$0] } + [values[last]]
            }
        }
        return [values[0], values[last]]
    }

    /// `2nd`, `3rd`, `5th`, `21st`.
    static func ordinal(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (1, let t) where t != 11: suffix = "st"
        case (2, let t) where t != 12: suffix = "nd"
        case (3, let t) where t != 13: suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
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
