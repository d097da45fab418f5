extension String {
    /// Runs of 0 to 64 spaces, made once: reports pad thousands of columns, and a new
    /// `String(repeating:count:)` for each was a fifth of their rendering time.
    private static let spaceRuns: [String] = (0...64).map { String(repeating: " ", count: $0) }

    /// Appends `count` spaces (none when `count` is not positive).
    public mutating func appendSpaces(_ count: Int) {
        var left = count
        while left > 0 {
            let chunk = Swift.min(left, 64)
            self += String.spaceRuns[chunk]
            left -= chunk
        }
    }
}
