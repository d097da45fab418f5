/// `data text "FILE" context T` (section 12): the file's bytes are token ids 0-255, and
/// sample i is x = bytes[i*T, i*T+T), y = bytes[i*T+1, i*T+T+1), for every i with
/// i*T + T + 1 <= the file's length. The one statement of that count, for the checker,
/// the run-length code and the loader.
public enum TextData {
    /// How many samples a file of `length` bytes gives with context `context`.
    public static func sampleCount(length: Int, context: Int) -> Int {
        guard context > 0, length > context else { return 0 }
        // i*T + T + 1 <= L  <=>  i <= (L - 1)/T - 1, so i takes (L - 1)/T values.
        return (length - 1) / context
    }
}

extension CheckedDataSource {
    /// `context T` of a `text` source; nil for other kinds.
    public var context: Int? {
        guard kind == .text, case .integer(let t)? = options.first(where: { $0.name == "context" })?.value else { return nil }
        return t
    }
}
