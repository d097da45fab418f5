#if canImport(Glibc)
import Glibc
#endif
import LRSFiles

/// What the checker needs of a checkpoint tensor's name, from one pass over its bytes: where
/// its module ends (the last dot), whether it is a buffer by section 13's names, and a hash of
/// its module. Names that are not ASCII are read by `Character`s instead, as before.
struct NameFacts {
    /// The module's length in bytes (the name's, for a top-level tensor); `nil` when the name
    /// is not ASCII.
    private var moduleBytes: Int?
    private(set) var isBuffer = false
    /// A hash of the module's bytes, for an ASCII name.
    private(set) var moduleDigest: UInt64?

    init(_ name: String) {
        let ascii = name.utf8.withContiguousStorageIfAvailable(Self.ascii)
        if let ascii = ascii ?? Array(name.utf8).withUnsafeBufferPointer(Self.ascii) {
            moduleBytes = ascii.module
            isBuffer = ascii.buffer
            moduleDigest = ascii.digest
        } else {
            isBuffer = Checker.isBufferName(name)
        }
    }

    /// The facts of an ASCII name's bytes; `nil` for a name that is not ASCII.
    private static func ascii(_ bytes: UnsafeBufferPointer<UInt8>) -> (module: Int, buffer: Bool, digest: UInt64)? {
        var high: UInt8 = 0
        var dot = -1
        for (offset, byte) in bytes.enumerated() {
            high |= byte
            if byte == UInt8(ascii: ".") { dot = offset }
        }
        guard high < 0x80 else { return nil }
        let module = dot < 0 ? bytes.count : dot
        let raw = UnsafeRawBufferPointer(bytes)
        let buffer = NameFacts.ends(raw, ".running_mean") || NameFacts.ends(raw, ".running_var")
            || NameFacts.ends(raw, ".num_batches_tracked")
        return (module, buffer, ByteHash.of(UnsafeRawBufferPointer(rebasing: raw[..<module])))
    }

    /// Whether `name`'s module is that of `other` too, whose facts these are: both ASCII,
    /// with the same module hash, and the same bytes (compared in place).
    func sameModule(_ name: String, as other: String, _ facts: NameFacts) -> Bool {
        guard let digest = moduleDigest, digest == facts.moduleDigest, let count = moduleBytes, count == facts.moduleBytes else {
            return false
        }
        let same = name.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in
                guard a.count >= count, b.count >= count else { return false }
                guard count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
                return memcmp(x, y, count) == 0
            }
        }
        return (same ?? nil) ?? false
    }

    /// The module of `name` (the name these facts are of), as a slice of it.
    func module(of name: String) -> Substring {
        if let moduleBytes {
            return name[..<name.utf8.index(name.utf8.startIndex, offsetBy: moduleBytes)]
        }
        let dot = name.lastIndex(of: ".")
        return dot.map { name[..<$0] } ?? name[...]
    }

    private static func ends(_ bytes: UnsafeRawBufferPointer, _ suffix: StaticString) -> Bool {
        let count = suffix.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return suffix.withUTF8Buffer { bytes[(bytes.count - count)...].elementsEqual($0) }
    }
}
