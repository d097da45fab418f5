/// A hash of a run of bytes, eight at a time: for tables keyed by the bytes of names (a
/// checkpoint's tensors, their modules, report rows), where `String`'s own hash would
/// normalise the text first. Not for anything an adversary could exploit beyond making a
/// check slower: tables using it still compare the bytes on every hit.
public enum ByteHash {
    public static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    /// `h` with `bytes` mixed in.
    @inlinable @inline(__always)
    public static func mix(_ h: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h = h
        var offset = 0
        while offset + 8 <= bytes.count {
            h = step(h, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            for byte in bytes[offset...] { tail = tail << 8 | UInt64(byte) }
            h = step(h, tail)
        }
        // The length, so that a run of zero bytes does not vanish.
        return step(h, UInt64(bytes.count))
    }

    /// `h` with one more word mixed in.
    @inlinable @inline(__always)
    public static func step(_ h: UInt64, _ word: UInt64) -> UInt64 {
        let x = (h ^ word) &* 0x9E37_79B9_7F4A_7C15
        return x ^ (x >> 29)
    }

    /// The hash of `bytes` alone.
    @inlinable
    public static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 { mix(seed, bytes) }
}
