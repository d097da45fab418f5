import LRSOptim

extension ScheduleReport {
    /// The contract's form (section 11): `epoch,step,group,lr`, one row per group for every
    /// optimizer step, groups in declaration order, `lr` in shortest round-trip form.
    public static func csv(_ table: RateTable) -> [UInt8] {
        let width = table.groups.count
        // ",NAME," once per group: names are quoted only when CSV needs it.
        let names: [[UInt8]] = table.groups.map { [UInt8(ascii: ",")] + Array(csvField($0).utf8) + [UInt8(ascii: ",")] }
        var out: [UInt8] = []
        out.reserveCapacity(32 + table.rates.count * 32)
        out.append(contentsOf: "epoch,step,group,lr\n".utf8)
        var step = 0
        table.rates.withUnsafeBufferPointer { rates in
            for epoch in 0..<table.epochs {
                for _ in 0..<table.stepsPerEpoch {
                    let row = step * width
                    for g in 0..<width {
                        out.appendDecimal(epoch)
                        out.append(UInt8(ascii: ","))
                        out.appendDecimal(step)
                        out.append(contentsOf: names[g])
                        out.appendShortest(rates[row + g])
                        out.append(UInt8(ascii: "\n"))
                    }
                    step += 1
                }
            }
        }
        return out
    }

    /// RFC 4180 quoting, for names that hold a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
