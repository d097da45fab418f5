/// The nearest valid names to a misspelt one ("did you mean 'relu'?").
enum Suggestions {
    /// Up to `limit` candidates closest to `word` by optimal-string-alignment distance
    /// (edits, with adjacent transpositions counting one), nearest first.
    static func nearest(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
        let source = Array(word.lowercased().utf8.prefix(64))
        let threshold = source.count <= 3 ? 1 : (source.count <= 6 ? 2 : 3)
        var scored: [(distance: Int, index: Int, name: String)] = []
        var seen = Set<String>()
        for (index, candidate) in candidates.enumerated() where !seen.contains(candidate) {
            seen.insert(candidate)
            let distance = Self.distance(source, Array(candidate.lowercased().utf8.prefix(64)))
            if distance <= threshold, distance < Swift.max(source.count, 1) {
                scored.append((distance, index, candidate))
            }
        }
        scored.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
        return scored.prefix(limit).map(\.name)
    }

    /// d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1, d[i-1][j-1] + (a[i] != b[j]),
    ///               d[i-2][j-2] + 1 when a[i], a[i-1] == b[j-1], b[j])
    static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var table = [Int](repeating: 0, count: (a.count + 1) * width)
        for j in 0...b.count { table[j] = j }
        for i in 1...a.count {
            table[i * width] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = Swift.min(table[(i - 1) * width + j] + 1, table[i * width + j - 1] + 1,
                                     table[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = Swift.min(best, table[(i - 2) * width + j - 2] + 1)
                }
                table[i * width + j] = best
            }
        }
        return table[a.count * width + b.count]
    }
}

/// `'a', 'b' or 'c'`: names quoted and joined for messages.
func quotedList(_ names: [String], conjunction: String = "or") -> String {
    let quoted = names.map { "'\($0)'" }
    guard quoted.count > 1, let last = quoted.last else { return quoted.first ?? "" }
    return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + last
}

/// `; did you mean 'x'?` or nothing.
func didYouMean(_ suggestions: [String]) -> String {
    suggestions.isEmpty ? "" : "; did you mean \(quotedList(suggestions))?"
}
