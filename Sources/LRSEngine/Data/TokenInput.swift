import LRSLanguage

/// A model whose first layer is `embedding NUM DIM` takes integer token ids (section 12): its
/// data's X holds integers, and every id must be a row of the embedding.
enum TokenInput {
    /// The located error for the first id of `set` (loaded from `path`) outside an embedding
    /// of `rows` rows, or nil.
    static func problem(in set: Dataset, rows: Int, path: String, at range: SourceRange) -> Diagnostic? {
        guard let bad = set.firstBadTokenId(rows: rows) else { return nil }
        let shown = bad.value == bad.value.rounded() && abs(bad.value) < 1e15 ? String(Int(bad.value)) : "\(bad.value)"
        return .error(.tokenIdOutOfRange(file: path, id: shown, rows: rows, sample: bad.sample, position: bad.position), at: range)
    }
}
