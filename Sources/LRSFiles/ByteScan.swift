/// Where a byte next occurs in a name, eight bytes at a time: names are dotted paths read
/// segment by segment (the report's runs, word selectors).
public enum ByteScan {
    /// The first place of `byte` in `bytes` at or after `start` (`bytes.count` if none).
    @inlinable @inline(__always)
    public static func next(_ byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= bytes.count {
                let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ (ones &* UInt64(byte))
                // The lowest lane flagged is the first match (a borrow only flags lanes above one).
                let found = (word &- ones) & ~word & highs
                if found != 0 { return i + found.trailingZeroBitCount / 8 }
                i += 8
            }
        }
        while i < bytes.count, bytes[i] != byte { i += 1 }
        return i
    }
}
