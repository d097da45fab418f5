/// Whether two short runs of bytes are equal, compared eight bytes at a time, inline: for
/// names and the pieces of names, tens of bytes each, where a call to `memcmp` costs more
/// than the comparison.
public enum ByteCompare {
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else {
                return false
            }
            offset += 8
        }
        while offset < count {
            guard a.load(fromByteOffset: offset, as: UInt8.self) == b.load(fromByteOffset: offset, as: UInt8.self) else { return false }
            offset += 1
        }
        return true
    }

    /// `count` bytes of `a` from `i` against those of `b` from `j` (both in range).
    @inlinable @inline(__always)
    public static func equal(_ a: UnsafeBufferPointer<UInt8>, _ i: Int, _ b: UnsafeBufferPointer<UInt8>, _ j: Int, count: Int) -> Bool {
        guard count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
        return equal(UnsafeRawPointer(x + i), UnsafeRawPointer(y + j), count: count)
    }
}
