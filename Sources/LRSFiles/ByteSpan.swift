/// Where some bytes lie in a buffer, as `start ..< end`. Tables that every `lrs check` fills
/// keep these rather than `Range<Int>`s: the first array of `Range<Int>` in a process makes
/// the Swift runtime look up `Int: Comparable` (Range's requirement on its bound), a scan of
/// every protocol conformance in the binary, about 40 µs of a 2 ms command.
public struct ByteSpan: Sendable, Equatable {
    public let start: Int
    public let end: Int

    @inlinable
    public init(_ range: Range<Int>) {
        start = range.lowerBound
        end = range.upperBound
    }

    @inlinable
    public var range: Range<Int> { start ..< end }

    @inlinable
    public var count: Int { end - start }
}
