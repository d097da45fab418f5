import LRSFiles

/// What the checker needs of a checkpoint tensor's name, from its bytes: where
/// its module ends (the last dot), whether it is a buffer by section 13's names, and (asked
/// only for a module not met just before) a hash of its module. Names that are not ASCII are
/// read by `Character`s instead, as names are everywhere else (a dot followed by a combining
/// mark is no dot there).
struct NameFacts {
    /// The module's length in bytes (the name's, for a top-level tensor).
    private(set) var moduleBytes: Int
    private(set) var isBuffer: Bool
    /// Whether the name was read as ASCII bytes (then its module is compared and hashed so).
    private(set) var isASCII: Bool

    /// `knownASCII`: the name is known to be ASCII (its buffer's names all are), so only its
    /// last dot is looked for, from the end.
    init(_ name: UnsafeBufferPointer<UInt8>, knownASCII: Bool = false) {
        if let ascii = Self.ascii(name, known: knownASCII) {
            moduleBytes = ascii.module
            isBuffer = ascii.buffer
            isASCII = true
            return
        }
        isASCII = false
        let text = String(decoding: name, as: UTF8.self)
        isBuffer = Checker.isBufferName(text)
        moduleBytes = text.lastIndex(of: ".").map { text.utf8.distance(from: text.utf8.startIndex, to: $0) } ?? name.count
    }

    /// The facts of an ASCII name's bytes (its last dot looked for from the end); `nil` for a
    /// name that is not ASCII. `known`: it is (its buffer's names all are), so not looked at.
    private static func ascii(_ bytes: UnsafeBufferPointer<UInt8>, known: Bool) -> (module: Int, buffer: Bool)? {
        guard known || bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        var dot = bytes.count - 1
        while dot >= 0, bytes[dot] != UInt8(ascii: ".") { dot -= 1 }
        let module = dot < 0 ? bytes.count : dot
        return (module, isBufferSuffix(UnsafeRawBufferPointer(bytes)))
    }

    /// A hash of the module's bytes of `name` (the name these facts are of), for an ASCII
    /// name; `nil` for another.
    func moduleDigest(of name: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard isASCII else { return nil }
        return ByteHash.of(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(name)[..<moduleBytes]))
    }

    /// Whether `name`'s module is that of `other` too, whose facts these are: both ASCII, and
    /// the same bytes (compared, not hashed: half of a model's names share the module of the
    /// name before them).
    func sameModule(_ name: UnsafeBufferPointer<UInt8>, as other: UnsafeBufferPointer<UInt8>, _ facts: NameFacts) -> Bool {
        guard isASCII, facts.isASCII, moduleBytes == facts.moduleBytes else { return false }
        return ByteCompare.equal(name, 0, other, 0, count: moduleBytes)
    }

    /// The module of `name` (the name these facts are of).
    func module(of name: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: name[..<moduleBytes]), as: UTF8.self)
    }

    /// The module of a name given as a `String`.
    static func module(of name: String) -> String {
        var name = name
        return name.withUTF8 { NameFacts($0).module(of: $0) }
    }

    /// Section 13's buffer names (as `Checker.isBufferName` has them), by their ends: the last
    /// byte tells which one to compare.
    private static func isBufferSuffix(_ raw: UnsafeRawBufferPointer) -> Bool {
        switch raw.last {
        case UInt8(ascii: "n"): ends(raw, ".running_mean")
        case UInt8(ascii: "r"): ends(raw, ".running_var")
        case UInt8(ascii: "d"): ends(raw, ".num_batches_tracked")
        default: false
        }
    }

    private static func ends(_ bytes: UnsafeRawBufferPointer, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        let text = UnsafeRawPointer(suffix.utf8Start)
        // From the last byte back: nearly every name differs there at once.
        var k = count - 1
        while k >= 0 {
            if bytes[bytes.count - count + k] != text.load(fromByteOffset: k, as: UInt8.self) { return false }
            k -= 1
        }
        return true
    }
}
