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

    private enum Segment: Hashable {
        case text(Substring)
        case run(Int, Int)
    }

    private struct Entry {
        var segments: [Segment]
        var shape: String
        var count: Int
        var members: Int
        /// The position of its first parameter: rows keep the order of the group.
        var first: Int
        var alive = true
    }

    /// The rows for `names` (in the group's order) with their shapes and element counts.
    static func rows(_ names: [String], shape: (String) -> (text: String, count: Int)) -> [Row] {
        var entries: [Entry] = []
        entries.reserveCapacity(names.count)
        var longest = 0
        var anyNumber = false
        for (position, name) in names.enumerated() {
            let info = shape(name)
            let segments = name.split(separator: ".", omittingEmptySubsequences: false).map(Segment.text)
            if !anyNumber, segments.contains(where: { integer($0) != nil }) { anyNumber = true }
            longest = Swift.max(longest, segments.count)
            entries.append(Entry(segments: segments, shape: info.text, count: info.count, members: 1, first: position))
        }
        guard anyNumber, names.count >= minimumRun else {
            return zip(names, entries).map { Row(name: $0, shape: $1.shape, count: $1.count, members: 1) }
        }
        for k in 0..<longest { merge(&entries, at: k) }
        return entries.filter(\.alive).sorted { $0.first < $1.first }.map {
            Row(name: render($0.segments), shape: $0.shape, count: $0.count, members: $0.members)
        }
    }

    /// Merges, at segment `k`, entries equal everywhere else whose values there are consecutive.
    private static func merge(_ entries: inout [Entry], at k: Int) {
        struct Key: Hashable {
            var segments: [Segment]
            var shape: String
            var count: Int
            var members: Int
        }
        var buckets: [Key: [(value: Int, index: Int)]] = [:]
        for (index, entry) in entries.enumerated() where entry.alive && k < entry.segments.count {
            guard let value = integer(entry.segments[k]) else { continue }
            var segments = entry.segments
            segments[k] = .run(-1, -1)
            buckets[Key(segments: segments, shape: entry.shape, count: entry.count, members: entry.members),
                    default: []].append((value, index))
        }
        for (_, list) in buckets where list.count >= minimumRun {
            let sorted = list.sorted { $0.value < $1.value }
            var start = 0
            while start < sorted.count {
                var end = start + 1
                while end < sorted.count, sorted[end].value == sorted[end - 1].value + 1 { end += 1 }
                if end - start >= minimumRun {
                    let run = sorted[start..<end]
                    guard let head = run.first, let tail = run.last else { break }
                    var merged = entries[head.index]
                    merged.segments[k] = .run(head.value, tail.value)
                    merged.members = run.reduce(0) { $0 + entries[$1.index].members }
                    merged.first = run.reduce(Int.max) { Swift.min($0, entries[$1.index].first) }
                    for item in run { entries[item.index].alive = false }
                    entries.append(merged)
                }
                start = end
            }
        }
    }

    /// A segment's value when it is a whole number as PyTorch writes indices (`0`, `12`;
    /// not `01`, so that the name can be written back from the summary).
    private static func integer(_ segment: Segment) -> Int? {
        guard case .text(let text) = segment, !text.isEmpty, text.utf8.count <= 9,
              text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              text == "0" || text.utf8.first != 0x30 else { return nil }
        return Int(text)
    }

    private static func render(_ segments: [Segment]) -> String {
        segments.map { segment in
            switch segment {
            case .text(let text): return String(text)
            case .run(let low, let high): return "{\(low)..\(high)}"
            }
        }.joined(separator: ".")
    }
}
