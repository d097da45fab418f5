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
        // A group's rate often stays put for many rows (per-epoch schedules, no schedule):
        // its text is then reused instead of formatted again.
        // Slots of 32 bytes: the longest shortest form, "-1.7976931348623157e+308", has 24.
        var lastBits = [UInt64](repeating: 0, count: width)
        var lastLength = [Int](repeating: 0, count: width)
        var slots = [UInt8](repeating: 0, count: width * 32)
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
                        let value = rates[row + g]
                        if value.bitPattern != lastBits[g] || lastLength[g] == 0 {
                            lastBits[g] = value.bitPattern
                            var text = value.description
                            lastLength[g] = text.withUTF8 { utf8 in
                                let n = min(utf8.count, 32)
                                slots.withUnsafeMutableBufferPointer { slot in
                                    for i in 0..<n { slot[g * 32 + i] = utf8[i] }
                                }
                                return n
                            }
                        }
                        slots.withUnsafeBufferPointer { slot in
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: slot[(g * 32)..<(g * 32 + lastLength[g])]))
                        }
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
