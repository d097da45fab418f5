import LRSFiles
import LRSLanguage

/// Parameter rows of a text report, with repeated names summarised: names that differ only
/// in one whole integer segment, with consecutive values and the same shape, become one row
/// (`blocks.{0..11}.attn.qkv.weight`), so a group of a thousand parameters fits a terminal.
/// A summarised row may be summarised again over another segment (`h.{0..3}.sub.{0..2}.w`).
/// JSON reports keep every name; this is for people only.
///
/// Each name is read once: its integer segments (the indices) are cut out, and names whose
/// remaining text, shape and element count agree form a family. Merging then works on the
/// families' index values alone, segment by segment from the left, and text is written only
/// for the rows that come out.
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

    /// The rows for `names` (in the group's order) with their shapes and element counts:
    /// `shape(i)` is those of `names[i]`.
    static func rows(_ names: [String], shape: (Int) -> (text: String, count: Int)) -> [Row] {
        NameBuffer(names).withView { rows($0, shape: shape) }
    }

    /// The rows of a group: its members' names read where they lie in the model's parameters.
    /// `shape(i)` is member `i`'s shape, as a number, and its element count; `text(n)` is the
    /// text of shape number `n`.
    static func rows(_ group: ResolvedGroup, shape: (Int) -> (number: Int, count: Int), text: (Int) -> String) -> [Row] {
        group.modelParameters.withNames { names in
            group.positions.withUnsafeBufferPointer {
                rows(MemberNames(names: names, positions: $0), predicting: true, shape: shape, text: text)
            }
        }
    }

    /// The rows for the names of `names`, each its UTF-8 bytes, their shapes given as text.
    /// `predicting: false` scans every name (for tests that compare the two ways).
    static func rows(_ names: NameBuffer.View, predicting: Bool = true, shape: (Int) -> (text: String, count: Int)) -> [Row] {
        var numbers = ShapeNumbers()
        return rows(MemberNames(names: ParameterList.Names(names), positions: nil), predicting: predicting,
                    shape: { let info = shape($0); return (numbers.number(info.text), info.count) },
                    text: { numbers.texts[$0] })
    }

    private static func rows(_ names: MemberNames, predicting: Bool, shape: (Int) -> (number: Int, count: Int),
                             text shapeText: (Int) -> String) -> [Row] {
        // Shape numbers in 32 bits: a group of thousands keeps one per member.
        var shapeOf: [Int32] = [], counts: [Int] = []
        shapeOf.reserveCapacity(names.count)
        counts.reserveCapacity(names.count)
        for position in 0 ..< names.count {
            let info = shape(position)
            shapeOf.append(Int32(truncatingIfNeeded: info.number))
            counts.append(info.count)
        }
        var text = NameText(names)
        func name(_ position: Int) -> String { String(decoding: names[position], as: UTF8.self) }
        // Families: one hash per name (of its text around the indices), not one per segment.
        // A name is first tried against the family that followed its predecessor's family last
        // time (a model's names come in a repeating order: `blocks.{i}.norm1.weight`,
        // `blocks.{i}.attn.qkv.weight`, ...): when it has that family's text around its
        // indices, and its shape and count, it joins it with no scan and no hash.
        var families: [Family] = []
        var successor: [Int] = []
        var familyOf = FamilyTable(ascii: text.ascii)
        var singles: [Int] = []
        var previous = -1
        for position in 0 ..< names.count {
            if predicting, previous >= 0, case let predicted = successor[previous], predicted >= 0 {
                let representative = families[predicted].representative
                if shapeOf[representative] == shapeOf[position], counts[representative] == counts[position],
                   families[predicted].addIfMatches(position, names[position], text) {
                    previous = predicted
                    continue
                }
            }
            let scanned = text.scan(position)
            guard text.hasIndices(scanned) else {
                singles.append(position)
                previous = -1
                continue
            }
            let family = familyOf.family(of: scanned, in: text, shapes: shapeOf, counts: counts, next: families.count)
            if family == families.count {
                families.append(Family(representative: position, template: scanned, width: text.indexCount(scanned)))
                successor.append(-1)
            }
            families[family].add(position, text.values[text.indexRange(scanned)])
            if previous >= 0 { successor[previous] = family }
            previous = family
        }
        // Every row with the position of its first parameter.
        var rows: [(first: Int, row: Row)] = []
        for position in singles {
            rows.append((position, Row(name: name(position), shape: shapeText(Int(shapeOf[position])), count: counts[position], members: 1)))
        }
        for index in families.indices {
            // Merged in place: a copy of the family would copy its columns to change them.
            for slot in 0..<families[index].width { families[index].merge(at: slot) }
            let family = families[index]
            let representative = family.representative
            for member in family.alive {
                let name = family.members(member) == 1 ? name(family.first(member))
                    : text.name(family.template, family.indices(of: member))
                rows.append((family.first(member), Row(name: name, shape: shapeText(Int(shapeOf[representative])),
                                                       count: counts[representative], members: family.members(member))))
            }
        }
        // Each row in the place of its first parameter: rows keep the group's order.
        rows.sort { $0.first < $1.first }
        return rows.map(\.row)
    }

    /// The names `NameRuns` reads, as their UTF-8 bytes by position: a group's members (member
    /// `i` is parameter `positions[i]`), or (`positions` nil) every name of a list. One concrete
    /// type, not a protocol: a generic `NameText` made the runtime look its conformance up at
    /// the first report of a process, a scan of every conformance in the binary.
    struct MemberNames {
        let names: ParameterList.Names
        let positions: UnsafeBufferPointer<Int>?

        var count: Int { positions?.count ?? names.count }
        /// Whether every name is ASCII (then names are compared by their bytes).
        var isASCII: Bool { names.isASCII }
        @inline(__always)
        subscript(i: Int) -> UnsafeBufferPointer<UInt8> {
            guard let positions else { return names[i] }
            return names[positions[i]]
        }
    }

    /// An index segment as it stands: one value, or a merged run `{low..high}` (a run has at
    /// least three values, so it never equals a single one). 32 bits each (an index has at
    /// most nine digits): a family keeps one per name and index.
    struct Index: Hashable {
        private let lowBits: Int32
        private let highBits: Int32

        init(low: Int, high: Int) {
            lowBits = Int32(truncatingIfNeeded: low)
            highBits = Int32(truncatingIfNeeded: high)
        }

        var low: Int { Int(lowBits) }
        var high: Int { Int(highBits) }
    }

    /// The names, and where their integer segments are: whole numbers as PyTorch writes
    /// indices (`0`, `12`; not `01`, so that the name can be written back from the summary,
    /// and at most nine digits). The names' bytes are read where they lie; a name is scanned
    /// when asked (`scan`), into the next slot.
    struct NameText {
        let names: MemberNames
        /// Whether every name is ASCII (then names are compared by their bytes).
        let ascii: Bool
        /// Per slot: the name's position in `names`.
        private(set) var positions: [Int] = []
        /// The values of the integer segments and which segments they are, all slots' in a
        /// row: slot `i`'s are at `firstIndex[i] ..< firstIndex[i + 1]`.
        private(set) var values: [Int] = []
        private(set) var segments: [Int] = []
        /// Where each index segment's digits are in its name.
        private var bounds: [(start: Int32, end: Int32)] = []
        private(set) var firstIndex: [Int] = [0]

        /// Per slot, a hash of its name's text between the indices (dots included), each index
        /// a word of its own: made as the name is scanned.
        private(set) var digests: [UInt64] = []

        init(_ names: MemberNames) {
            self.names = names
            ascii = names.isASCII
        }

        /// Every name of `names` scanned, in order: slot `i` is name `i`.
        init(scanningAll names: NameBuffer.View) {
            self.init(MemberNames(names: ParameterList.Names(names), positions: nil))
            for i in 0 ..< names.count { scan(i) }
        }

        /// Scans name `position` into the next slot, and returns the slot.
        @discardableResult
        mutating func scan(_ position: Int) -> Int {
            positions.append(position)
            scan(names[position])
            return positions.count - 1
        }

        private mutating func scan(_ name: UnsafeBufferPointer<UInt8>) {
            // Segment by segment: the next dot found eight bytes at a time, and a segment read
            // digit by digit only when it starts with one. The hash takes the text between
            // index segments (dots included) piece by piece, and each index as a word of its own.
            var h = ByteHash.seed, piece = 0, segment = 0, start = 0
            while true {
                let end = ByteScan.next(UInt8(ascii: "."), in: name, from: start)
                if let value = Self.index(name, start, end) {
                    values.append(value)
                    segments.append(segment)
                    bounds.append((Int32(start), Int32(end)))
                    h = ByteHash.step(ByteHash.mix(h, UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(name)[piece ..< start])),
                                      0xFFFF_FFFF)
                    piece = end
                }
                guard end < name.count else { break }
                segment += 1
                start = end + 1
            }
            h = ByteHash.mix(h, UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(name)[piece...]))
            firstIndex.append(values.count)
            digests.append(h)
        }

        /// The value of the segment `start ..< end` of `name` if it is an index: one to nine
        /// digits, without a leading zero (but `0` itself).
        @inline(__always)
        private static func index(_ name: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
            guard end > start, end - start <= 9, end - start == 1 || name[start] != UInt8(ascii: "0") else { return nil }
            var value = 0
            for i in start ..< end {
                let digit = name[i] &- 0x30
                guard digit < 10 else { return nil }
                value = value * 10 + Int(digit)
            }
            return value
        }

        /// Whether `name` has slot `i`'s text around indices of its own; their values then
        /// appended to `flat`. The same test the scan, hash and comparison would make, read in
        /// one pass: the pieces between the indices compared, each index read where it stands.
        func matches(_ i: Int, _ name: UnsafeBufferPointer<UInt8>, into flat: inout [Index]) -> Bool {
            let template = names[positions[i]]
            var fromT = 0, fromN = 0
            for k in indexRange(i) {
                let piece = Int(bounds[k].start) - fromT
                guard fromN + piece <= name.count, ByteCompare.equal(template, fromT, name, fromN, count: piece) else { return false }
                fromN += piece
                let end = ByteScan.next(UInt8(ascii: "."), in: name, from: fromN)
                guard let value = Self.index(name, fromN, end) else { return false }
                flat.append(Index(low: value, high: value))
                fromN = end
                fromT = Int(bounds[k].end)
            }
            return name.count - fromN == template.count - fromT
                && ByteCompare.equal(template, fromT, name, fromN, count: name.count - fromN)
        }

        func hasIndices(_ i: Int) -> Bool { firstIndex[i + 1] > firstIndex[i] }
        func indexCount(_ i: Int) -> Int { firstIndex[i + 1] - firstIndex[i] }
        func indexRange(_ i: Int) -> Range<Int> { firstIndex[i] ..< firstIndex[i + 1] }

        /// Name `i`'s segments, an index segment as `nil`.
        func parts(_ i: Int) -> [Substring?] {
            let indexSegments = segments[indexRange(i)]
            let name = String(decoding: names[positions[i]], as: UTF8.self)
            return name.split(separator: ".", omittingEmptySubsequences: false).enumerated().map { segment, part in
                indexSegments.contains(segment) ? nil : part
            }
        }

        /// Whether names `a` and `b`, whose indices are at the same segments, have the same
        /// bytes everywhere else: the pieces between their indices compared at once.
        func sameTemplate(_ a: Int, _ b: Int) -> Bool {
            let x = names[positions[a]], y = names[positions[b]]
            var fromX = 0, fromY = 0
            for (k, l) in zip(indexRange(a), indexRange(b)) {
                let toX = Int(bounds[k].start), toY = Int(bounds[l].start)
                guard toX - fromX == toY - fromY, ByteCompare.equal(x, fromX, y, fromY, count: toX - fromX) else { return false }
                fromX = Int(bounds[k].end)
                fromY = Int(bounds[l].end)
            }
            return x.count - fromX == y.count - fromY && ByteCompare.equal(x, fromX, y, fromY, count: x.count - fromX)
        }

        /// Name `i` with its integer segments written as `indices` say.
        func name(_ i: Int, _ indices: [Index]) -> String {
            let bytes = names[positions[i]]
            func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            var out = ""
            out.reserveCapacity(bytes.count + 8 * indices.count)
            var from = 0
            for (k, index) in zip(indexRange(i), indices) {
                out += text(from ..< Int(bounds[k].start))
                out += index.low == index.high ? String(index.low) : "{\(index.low)..\(index.high)}"
                from = Int(bounds[k].end)
            }
            return out + text(from ..< bytes.count)
        }
    }

    /// Which family each name belongs to: names whose text around the indices, shape and
    /// count agree. ASCII names (all real ones) are hashed and compared by their bytes, in an
    /// open-addressing table of family numbers; other names by `String`'s equality, which is
    /// canonical equivalence, as elsewhere in lrs.
    struct FamilyTable {
        /// Slot: the representative's scanned slot + 1 and its family, or 0 (empty).
        private var slots: [(scanned: Int, family: Int)]
        private var mask: Int
        private var others: [OtherKey: Int] = [:]
        /// Each family's hash, by family, for growing.
        private var hashes: [UInt64] = []

        private struct OtherKey: Hashable {
            var parts: [Substring?]
            var segments: [Int]
            var shape: Int
            var count: Int
        }

        init(ascii: Bool) {
            // One slot per family, and a group has few: grown as they come.
            mask = 63
            slots = ascii ? Array(repeating: (0, 0), count: 64) : []
        }

        /// The family of scanned slot `i` of `text`: a known one, or `next` (which it then
        /// represents). `shapes` and `counts` are by position.
        mutating func family(of i: Int, in text: NameText, shapes: [Int32], counts: [Int], next: Int) -> Int {
            let position = text.positions[i]
            guard text.ascii else {
                let key = OtherKey(parts: text.parts(i), segments: Array(text.segments[text.indexRange(i)]),
                                   shape: Int(shapes[position]), count: counts[position])
                if let known = others[key] { return known }
                others[key] = next
                return next
            }
            let h = ByteHash.step(ByteHash.step(text.digests[i], UInt64(truncatingIfNeeded: shapes[position])),
                                  UInt64(truncatingIfNeeded: counts[position]))
            var slot = Int(truncatingIfNeeded: h & UInt64(mask))
            while slots[slot].scanned != 0 {
                let other = slots[slot].scanned - 1, otherPosition = text.positions[other]
                if shapes[otherPosition] == shapes[position], counts[otherPosition] == counts[position],
                   text.segments[text.indexRange(other)] == text.segments[text.indexRange(i)], text.sameTemplate(other, i) {
                    return slots[slot].family
                }
                slot = (slot + 1) & mask
            }
            slots[slot] = (i + 1, next)
            hashes.append(h)
            if 2 * hashes.count > slots.count { grow() }
            return next
        }

        private mutating func grow() {
            let old = slots
            slots = Array(repeating: (0, 0), count: 2 * old.count)
            mask = slots.count - 1
            for entry in old where entry.scanned != 0 {
                var slot = Int(truncatingIfNeeded: hashes[entry.family] & UInt64(mask))
                while slots[slot].scanned != 0 { slot = (slot + 1) & mask }
                slots[slot] = entry
            }
        }
    }

    /// Names of one family: their text around the indices, their shape and count are equal.
    /// Each member (a name, or a run merged from several) has `width` indices, kept in one array.
    struct Family {
        /// The first member's position, and its slot in the scanned names.
        let representative: Int
        let template: Int
        let width: Int
        private var flat: [Index] = []
        /// Per member: how many parameters it stands for, and where its first one is (32 bits:
        /// a family keeps one per name).
        private var memberCounts: [Int32] = []
        private var firsts: [Int32] = []
        private var isAlive: [Bool] = []

        init(representative: Int, template: Int, width: Int) {
            self.representative = representative
            self.template = template
            self.width = width
        }

        var alive: [Int] { isAlive.indices.filter { isAlive[$0] } }

        /// How many parameters member `m` stands for.
        func members(_ m: Int) -> Int { Int(memberCounts[m]) }

        /// Where member `m`'s first parameter is.
        func first(_ m: Int) -> Int { Int(firsts[m]) }

        func indices(of member: Int) -> [Index] { Array(flat[member * width ..< (member + 1) * width]) }

        mutating func add(_ position: Int, _ values: ArraySlice<Int>) {
            for value in values { flat.append(Index(low: value, high: value)) }
            addMember(position)
        }

        /// A member for the name at `position`, its indices already in `flat`.
        private mutating func addMember(_ position: Int) {
            memberCounts.append(1)
            firsts.append(Int32(truncatingIfNeeded: position))
            isAlive.append(true)
        }

        /// Adds the name at `position` if it has this family's text around its indices
        /// (`NameText.matches`); its shape and count are the caller's to compare.
        mutating func addIfMatches(_ position: Int, _ name: UnsafeBufferPointer<UInt8>, _ text: NameText) -> Bool {
            guard text.matches(template, name, into: &flat) else {
                flat.removeLast(flat.count - memberCounts.count * width)
                return false
            }
            addMember(position)
            return true
        }

        /// Merges the members equal everywhere but at index `slot`, whose values there are
        /// single and consecutive, into runs of at least `minimumRun`.
        mutating func merge(at slot: Int) {
            // Members merge with members equal at the other indices and standing for as many
            // parameters (runs merge with runs of a size). With one index, the member count is
            // the whole key: a short list of them, no table.
            if width == 1 {
                var lists: [(members: Int, list: [(value: Int, member: Int)])] = []
                for member in isAlive.indices where isAlive[member] {
                    let index = flat[member]
                    guard index.low == index.high else { continue }
                    if let known = lists.firstIndex(where: { $0.members == members(member) }) {
                        lists[known].list.append((index.low, member))
                    } else {
                        lists.append((members(member), [(index.low, member)]))
                    }
                }
                for entry in lists { joinRuns(entry.list, at: slot) }
                return
            }
            struct Key: Hashable {
                var members: Int
                var others: [Index]
            }
            var buckets: [Key: [(value: Int, member: Int)]] = [:]
            for member in isAlive.indices where isAlive[member] {
                let index = flat[member * width + slot]
                guard index.low == index.high else { continue }
                var key = Key(members: members(member), others: [])
                key.others.reserveCapacity(width - 1)
                for other in 0..<width where other != slot { key.others.append(flat[member * width + other]) }
                buckets[key, default: []].append((index.low, member))
            }
            for list in buckets.values { joinRuns(list, at: slot) }
        }

        /// Joins the runs of consecutive values at `slot` among `list`'s members (equal elsewhere).
        private mutating func joinRuns(_ list: [(value: Int, member: Int)], at slot: Int) {
            guard list.count >= minimumRun else { return }
            // Members come in the group's order, which is nearly always the indices' order.
            let sorted = zip(list, list.dropFirst()).allSatisfy({ $0.value <= $1.value }) ? list
                : list.sorted { $0.value < $1.value }
            var start = 0
            while start < sorted.count {
                var end = start + 1
                while end < sorted.count, sorted[end].value == sorted[end - 1].value + 1 { end += 1 }
                if end - start >= minimumRun { join(sorted[start ..< end], at: slot) }
                start = end
            }
        }

        /// One member for the run `run` (consecutive values at `slot`), in place of its members.
        private mutating func join(_ run: ArraySlice<(value: Int, member: Int)>, at slot: Int) {
            guard let head = run.first, let tail = run.last else { return }
            for other in 0..<width { flat.append(flat[head.member * width + other]) }
            flat[flat.count - width + slot] = Index(low: head.value, high: tail.value)
            memberCounts.append(Int32(truncatingIfNeeded: run.reduce(0) { $0 + members($1.member) }))
            firsts.append(Int32(truncatingIfNeeded: run.reduce(Int.max) { Swift.min($0, first($1.member)) }))
            isAlive.append(true)
            for item in run { isAlive[item.member] = false }
        }
    }

    /// Shape texts as small numbers, for rows whose shapes are given as text.
    struct ShapeNumbers {
        private(set) var texts: [String] = []
        private var table: [String: Int] = [:]

        mutating func number(_ text: String) -> Int {
            if texts.count <= 8, let found = texts.firstIndex(of: text) { return found }
            if let known = table[text] { return known }
            table[text] = texts.count
            texts.append(text)
            return texts.count - 1
        }
    }
}
