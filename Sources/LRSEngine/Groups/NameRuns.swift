/// Parameter rows of a text report, with repeated names summarised: names that differ only
/// in one whole integer segment, with consecutive values and the same shape, become one row
/// (`blocks.{0..11}.attn.qkv.weight`), so a group of a thousand parameters fits a terminal.
/// A summarised row may be summarised again over another segment (`h.{0..3}.sub.{0..2}.w`).
/// JSON reports keep every name; this is for people only.
enum NameRuns {
    /// One row: its name (summarised or not), shape text, elements per parameter and how
    /// many parameters it stands for.
    struct Row: Equatable {
        var name: String
        var shape: String
        var count: Int
        var members: Int
    }

    /// Runs shorter than this stay as they are: two names read better than `{0..1}`.
    static let minimumRun = 3

    /// What stands for `..` in a summary while segments are still being merged.
    private static let gap: Character = "\u{1F}"

    /// A row in the making: its name so far (segments already summarised read `{a..b}`).
    private struct Entry {
        var name: String
        var shape: String
        var count: Int
        var members: Int
        /// The position of its first parameter: rows keep the order of the group.
        var first: Int
        /// Whether the name has a digit at all (else no pass can merge it).
        var hasDigit: Bool
        /// Bit k: segment k is a whole number (`integerSegment`); segments from 64 on are
        /// always looked at. Spares each pass a walk of every name.
        var integerSegments: UInt64 = 0
        var alive = true
    }

    /// The rows for `names` (in the group's order) with their shapes and element counts.
    static func rows(_ names: [String], shape: (String) -> (text: String, count: Int)) -> [Row] {
        var entries: [Entry] = []
        // Room for the merged rows too (each takes the place of three or more): no copy of
        // every entry when the first is appended.
        entries.reserveCapacity(names.count + names.count / 2 + 1)
        var segments = 0
        var anyDigit = false
        var ascii = true
        for (position, name) in names.enumerated() {
            let info = shape(name)
            var dots = 0
            var digit = false
            for byte in name.utf8 {
                if byte == UInt8(ascii: ".") { dots += 1 } else if byte &- 0x30 < 10 { digit = true }
                if byte >= 0x80 { ascii = false }
            }
            anyDigit = anyDigit || digit
            segments = Swift.max(segments, dots + 1)
            entries.append(Entry(name: name, shape: info.text, count: info.count, members: 1, first: position,
                                 hasDigit: digit, integerSegments: digit ? integerSegmentBits(name) : 0))
        }
        if anyDigit, names.count >= minimumRun {
            for k in 0..<segments { merge(&entries, at: k, ascii: ascii) }
        }
        // Each original position holds at most one row's first parameter.
        var rowAt = [Int?](repeating: nil, count: names.count)
        for (index, entry) in entries.enumerated() where entry.alive { rowAt[entry.first] = index }
        return rowAt.compactMap { index in
            index.map { Row(name: entries[$0].members > 1 ? entries[$0].name.split(separator: gap, omittingEmptySubsequences: false).joined(separator: "..")
                                : entries[$0].name, shape: entries[$0].shape, count: entries[$0].count,
                            members: entries[$0].members) }
        }
    }

    /// Merges, at segment `k`, entries equal everywhere else whose values there are consecutive.
    /// `ascii`: every name is ASCII (as real ones are), so keys are hashed by their bytes.
    private static func merge(_ entries: inout [Entry], at k: Int, ascii: Bool) {
        struct Key: Hashable {
            /// The name with segment `k` left out.
            var prefix: Substring
            var suffix: Substring
            var shape: String
            var count: Int
            var members: Int
            /// For ASCII names, a hash of the bytes of the fields above, made once: Substring's
            /// own hash normalises the text first, a third of the time of a group's rows. Not
            /// for other names, which are equal when canonically equivalent.
            var digest: UInt64?

            static func == (a: Key, b: Key) -> Bool {
                a.digest == b.digest && a.count == b.count && a.members == b.members && a.prefix == b.prefix
                    && a.suffix == b.suffix && a.shape == b.shape
            }

            func hash(into hasher: inout Hasher) {
                if let digest {
                    hasher.combine(digest)
                    return
                }
                hasher.combine(prefix)
                hasher.combine(suffix)
                hasher.combine(shape)
                hasher.combine(count)
                hasher.combine(members)
            }

            /// FNV-1a over the bytes, with a separator after each part.
            static func digest(_ prefix: Substring, _ suffix: Substring, _ shape: String, _ count: Int, _ members: Int) -> UInt64 {
                // No nested function mutating `h`: a captured variable is checked for
                // exclusive access at run time, at every byte.
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                h = mixed(h, prefix.utf8)
                h = mixed(h, suffix.utf8)
                h = mixed(h, shape[...].utf8)
                h = (h ^ UInt64(bitPattern: Int64(count))) &* 0x100_0000_01b3
                h = (h ^ UInt64(bitPattern: Int64(members))) &* 0x100_0000_01b3
                return h
            }

            /// `h` with the bytes of `part` and a separator mixed in (FNV-1a).
            static func mixed(_ start: UInt64, _ part: Substring.UTF8View) -> UInt64 {
                let fast = part.withContiguousStorageIfAvailable { bytes in
                    var h = start
                    for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
                    return h
                }
                var h = start
                if let fast {
                    h = fast
                } else {
                    for byte in part { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
                }
                return (h ^ 0xFF) &* 0x100_0000_01b3
            }
        }
        var buckets: [Key: [(value: Int, index: Int)]] = [:]
        let bit: UInt64 = k < 64 ? 1 << UInt64(k) : 0
        for index in entries.indices where entries[index].alive && entries[index].hasDigit {
            guard bit == 0 || entries[index].integerSegments & bit != 0 else { continue }
            let name = entries[index].name
            guard let (range, value) = integerSegment(name, k) else { continue }
            let prefix = name[..<range.lowerBound], suffix = name[range.upperBound...]
            let shape = entries[index].shape, count = entries[index].count, members = entries[index].members
            let digest = ascii ? Key.digest(prefix, suffix, shape, count, members) : nil
            let key = Key(prefix: prefix, suffix: suffix, shape: shape, count: count, members: members, digest: digest)
            buckets[key, default: []].append((value, index))
        }
        for (key, list) in buckets where list.count >= minimumRun {
            let sorted = list.sorted { $0.value < $1.value }
            var start = 0
            while start < sorted.count {
                var end = start + 1
                while end < sorted.count, sorted[end].value == sorted[end - 1].value + 1 { end += 1 }
                if end - start >= minimumRun {
                    let run = sorted[start..<end]
                    guard let head = run.first, let tail = run.last else { break }
                    var merged = entries[head.index]
                    // `{a..b}` once done; until then without dots, which would count as segments.
                    merged.name = key.prefix + "{\(head.value)\(gap)\(tail.value)}" + key.suffix
                    merged.integerSegments &= ~bit
                    merged.members = run.reduce(0) { $0 + entries[$1.index].members }
                    merged.first = run.reduce(Int.max) { Swift.min($0, entries[$1.index].first) }
                    for item in run { entries[item.index].alive = false }
                    entries.append(merged)
                }
                start = end
            }
        }
    }

    /// The segments below 64 of a dotted name that `integerSegment` takes, as bits.
    private static func integerSegmentBits(_ name: String) -> UInt64 {
        var bits: UInt64 = 0
        var segment: UInt64 = 0
        var digits = 0
        var valid = true
        var leadingZero = false
        func close() {
            if valid, digits > 0, digits <= 9, digits == 1 || !leadingZero, segment < 64 { bits |= 1 << segment }
        }
        for byte in name.utf8 {
            if byte == UInt8(ascii: ".") {
                close()
                segment += 1
                digits = 0
                valid = true
                leadingZero = false
            } else if byte &- 0x30 < 10 {
                if digits == 0 { leadingZero = byte == UInt8(ascii: "0") }
                digits += 1
            } else {
                valid = false
            }
        }
        close()
        return bits
    }

    /// Segment `k` of a dotted name and its value, when it is a whole number as PyTorch
    /// writes indices (`0`, `12`; not `01`, so that the name can be written back from the
    /// summary, and at most 9 digits).
    private static func integerSegment(_ name: String, _ k: Int) -> (Range<String.Index>, Int)? {
        // Over the bytes in place where the string has them (native strings do): offsets,
        // not String indices, for each of a big group's names at each segment.
        let found = name.utf8.withContiguousStorageIfAvailable { bytes -> (start: Int, end: Int, value: Int)? in
            var start = 0
            for _ in 0..<k {
                guard let dot = bytes[start...].firstIndex(of: UInt8(ascii: ".")) else { return nil }
                start = dot + 1
            }
            let end = bytes[start...].firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
            let digits = end - start
            guard digits > 0, digits <= 9, digits == 1 || bytes[start] != UInt8(ascii: "0") else { return nil }
            var value = 0
            for byte in bytes[start..<end] {
                guard byte &- 0x30 < 10 else { return nil }
                value = value * 10 + Int(byte &- 0x30)
            }
            return (start, end, value)
        }
        if let found {
            guard let found else { return nil }
            let utf8 = name.utf8
            return (utf8.index(utf8.startIndex, offsetBy: found.start)..<utf8.index(utf8.startIndex, offsetBy: found.end), found.value)
        }
        let utf8 = name.utf8
        var start = utf8.startIndex
        var segment = 0
        while segment < k {
            guard let dot = utf8[start...].firstIndex(of: UInt8(ascii: ".")) else { return nil }
            start = utf8.index(after: dot)
            segment += 1
        }
        let end = utf8[start...].firstIndex(of: UInt8(ascii: ".")) ?? utf8.endIndex
        var value = 0
        var digits = 0
        for byte in utf8[start..<end] {
            guard byte &- 0x30 < 10 else { return nil }
            value = value * 10 + Int(byte &- 0x30)
            digits += 1
            if digits > 9 { return nil }
        }
        guard digits > 0, digits == 1 || utf8[start] != UInt8(ascii: "0") else { return nil }
        return (start..<end, value)
    }
}
