import LRSFiles

/// Numbers the modules of a checkpoint's parameters (their names less the last segment) by
/// first appearance: `layer` and `layers` in expressions, `each layer`'s groups. A module is
/// kept as where it lies in the first name that holds it, so none is copied; ASCII modules
/// (all real ones) are found by a hash of their bytes in a `PlainNameTable`, compared byte for
/// byte on a hit. From the first non-ASCII name on, modules are compared as `String`s
/// (canonical equivalence), as names are everywhere else.
struct ModuleNumbers {
    /// The modules, as ranges of the names' buffer.
    private var table: PlainNameTable
    /// Once a name is not ASCII: every module, by its text.
    private var byName: [String: Int] = [:]
    private var allASCII = true
    /// Each module's bytes, in number order (for the switch to `byName`).
    private var spans: [ByteSpan] = []

    init(capacity: Int) {
        table = PlainNameTable(capacity: capacity)
    }

    var count: Int { spans.count }

    /// The number of the module that is the first `length` bytes of name `name` of `names`, a
    /// new one if it has none yet. `digest` is `ByteHash.of` those bytes when the name is
    /// ASCII, else `nil`.
    mutating func number(ofModule length: Int, of name: Int, digest: UInt64?, in names: NameBuffer.View) -> Int {
        let start = names.start(name)
        let range = start ..< start + length
        if allASCII, let digest {
            let found = table.number(of: range, hash: digest, in: names.all)
            if found.isNew { spans.append(ByteSpan(range)) }
            return found.number
        }
        if allASCII {
            allASCII = false
            for (number, known) in spans.enumerated() { byName[text(known.range, names)] = number }
        }
        let key = text(range, names)
        if let known = byName[key] { return known }
        byName[key] = spans.count
        spans.append(ByteSpan(range))
        return spans.count - 1
    }

    private func text(_ range: Range<Int>, _ names: NameBuffer.View) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: names.all[range]), as: UTF8.self)
    }
}
