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
        let rest = bytes.count - offset
        if rest > 0 {
            // The last one to seven bytes as one word: the run's last eight bytes shifted past
            // those already mixed in (a short run, up to four bytes at a time).
            var tail: UInt64
            if bytes.count >= 8 {
                tail = bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) >> UInt64(8 * (8 - rest))
            } else {
                tail = 0
                var at = offset, shift: UInt64 = 0
                if rest >= 4 {
                    tail = UInt64(bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
                    at += 4
                    shift = 32
                }
                while at < bytes.count {
                    tail |= UInt64(bytes[at]) << shift
                    at += 1
                    shift += 8
                }
            }
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
