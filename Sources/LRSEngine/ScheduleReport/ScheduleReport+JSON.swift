import LRSFiles
import LRSOptim

extension ScheduleReport {
    /// The table for tools: its shape, then one object per optimizer step in the form of
    /// a `--trace` line (`{"epoch": E, "step": S, "lr": {"GROUP": LR, ...}}`).
    public static func json(_ table: RateTable, parameter: String = "lr") -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64 + table.rates.count * 28)
        let keys = table.groups.map { Array((JSON.string($0) + ": ").utf8) }
        func list(_ names: [String]) -> String { "[" + names.map(JSON.string).joined(separator: ", ") + "]" }
        out.append(contentsOf: "{\n  \"epochs\": \(table.epochs),\n  \"steps_per_epoch\": \(table.stepsPerEpoch),\n".utf8)
        out.append(contentsOf: "  \"groups\": \(list(table.groups)),\n".utf8)
        out.append(contentsOf: "  \"held_constant\": \(list(table.heldConstant)),\n".utf8)
        out.append(contentsOf: "  \"rows\": [".utf8)
        var step = 0
        for epoch in 0..<table.epochs {
            for _ in 0..<table.stepsPerEpoch {
                out.append(contentsOf: (step == 0 ? "\n    " : ",\n    ").utf8)
                out.append(contentsOf: "{\"epoch\": ".utf8)
                out.appendDecimal(epoch)
                out.append(contentsOf: ", \"step\": ".utf8)
                out.appendDecimal(step)
                out.append(contentsOf: (", " + JSON.string(parameter) + ": {").utf8)
                for g in table.groups.indices {
                    if g > 0 { out.append(contentsOf: ", ".utf8) }
                    out.append(contentsOf: keys[g])
                    out.appendShortest(table.lr(step: step, group: g))
                }
                out.append(contentsOf: "}}".utf8)
                step += 1
            }
        }
        out.append(contentsOf: (step == 0 ? "]\n}\n" : "\n  ]\n}\n").utf8)
        return String(decoding: out, as: UTF8.self)
    }
}
