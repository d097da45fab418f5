import LRSOptim

extension ScheduleReport {
    /// The contract's form (section 11): `epoch,step,group,lr`, one row per group for every
    /// optimizer step, groups in declaration order, `lr` in shortest round-trip form.
    /// With `--param`, the header names that hyperparameter instead of `lr`.
    public static func csv(_ table: RateTable, parameter: String = "lr") -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(32 + table.rates.count * 24)
        csv(table, parameter: parameter) { out.append(contentsOf: $0) }
        return out
    }

    /// The CSV in chunks of at most 64 KiB, handed to `sink` in order: a million rows go to
    /// standard output without a 30 MB buffer in between.
    public static func csv(_ table: RateTable, parameter: String = "lr", sink: (UnsafeRawBufferPointer) -> Void) {
        withoutActuallyEscaping(sink) { csv(table, parameter: parameter, into: ChunkWriter(sink: $0)) }
    }

    private static func csv(_ table: RateTable, parameter: String, into writer: consuming ChunkWriter) {
        let width = table.groups.count
        // ",NAME," once per group, end to end: names are quoted only when CSV needs it.
        var names: [UInt8] = []
        var nameEnds: [Int] = []
        for group in table.groups {
            names.append(UInt8(ascii: ","))
            names.append(contentsOf: csvField(group).utf8)
            names.append(UInt8(ascii: ","))
            nameEnds.append(names.count)
        }
        // A group's rate often stays put for many rows (per-epoch schedules, no schedule):
        // its text is then reused instead of formatted again. Slots of 32 bytes: the longest
        // shortest form, "-1.7976931348623157e+308", has 24.
        var lastBits = [UInt64](repeating: 0, count: width)
        var lastLength = [Int](repeating: 0, count: width)
        var slots = [UInt8](repeating: 0, count: width * 32)
        writer.append("epoch,step,group," + parameter + "\n")
        var prefix = ChunkWriter.Digits()
        var step = 0
        table.rates.withUnsafeBufferPointer { rates in
            names.withUnsafeBufferPointer { names in
                for epoch in 0..<table.epochs {
                    for _ in 0..<table.stepsPerEpoch {
                        // "EPOCH,STEP" is the same for every group of the step.
                        prefix.set(epoch, step)
                        let row = step * width
                        for g in 0..<width {
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
                            let nameStart = g == 0 ? 0 : nameEnds[g - 1]
                            prefix.withBytes { writer.append($0) }
                            writer.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: names[nameStart..<nameEnds[g]])))
                            slots.withUnsafeBytes { slot in
                                writer.append(UnsafeRawBufferPointer(rebasing: slot[(g * 32)..<(g * 32 + lastLength[g])]))
                            }
                            writer.append(UInt8(ascii: "\n"))
                        }
                        step += 1
                    }
                }
            }
        }
        writer.flush()
    }

    /// RFC 4180 quoting, for names that hold a comma, a quote or a line break.
    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// Bytes gathered in a fixed buffer and handed on whenever it fills.
struct ChunkWriter: ~Copyable {
    static let capacity = 1 << 16
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ChunkWriter.capacity, alignment: 16)
    private var used = 0
    private let sink: (UnsafeRawBufferPointer) -> Void

    init(sink: @escaping (UnsafeRawBufferPointer) -> Void) { self.sink = sink }

    deinit { buffer.deallocate() }

    mutating func flush() {
        if used > 0 { sink(UnsafeRawBufferPointer(rebasing: buffer[0..<used])) }
        used = 0
    }

    /// Copies the bytes in, handing the buffer on first when they would not fit; bytes
    /// longer than the whole buffer (a group name of 100 KB) go straight to the sink.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if used + bytes.count > ChunkWriter.capacity { flush() }
        guard bytes.count <= ChunkWriter.capacity else { return sink(bytes) }
        guard let base = bytes.baseAddress else { return }
        (buffer.baseAddress! + used).copyMemory(from: base, byteCount: bytes.count)
        used += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        if used == ChunkWriter.capacity { flush() }
        buffer[used] = byte
        used += 1
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// "EPOCH,STEP" in decimal, kept for the rows that share it.
    struct Digits {
        private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        private(set) var count = 0

        /// Both numbers are non-negative (epochs and steps) and at most 20 digits each.
        mutating func set(_ epoch: Int, _ step: Int) {
            count = 0
            withUnsafeMutableBytes(of: &bytes) { raw in
                count = Digits.write(UInt(Swift.max(epoch, 0)), into: raw, at: 0)
                raw[count] = UInt8(ascii: ",")
                count = Digits.write(UInt(Swift.max(step, 0)), into: raw, at: count + 1)
            }
        }

        func withBytes(_ body: (UnsafeRawBufferPointer) -> Void) {
            withUnsafeBytes(of: bytes) { body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }

        private static func write(_ value: UInt, into raw: UnsafeMutableRawBufferPointer, at start: Int) -> Int {
            var digits = 1
            var rest = value / 10
            while rest > 0 {
                digits += 1
                rest /= 10
            }
            var v = value
            for i in stride(from: start + digits - 1, through: start, by: -1) {
                raw[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                v /= 10
            }
            return start + digits
        }
    }
}
