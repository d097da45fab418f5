/// The names nearest a misspelt one, for "did you mean" wherever a name is wrong (the
/// REPL's commands, `--explain`, `-D`): case-insensitive optimal-string-alignment distance
/// (an adjacent transposition is one edit), at most max(2, length/3) edits, nearest first.
public func nearestNames(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
    let source = Array(word.lowercased().utf8.prefix(64))
    let threshold = Swift.max(2, source.count / 3)
    var scored: [(distance: Int, index: Int, name: String)] = []
    var seen = Set<String>()
    for (index, candidate) in candidates.enumerated() where seen.insert(candidate).inserted {
        let distance = Suggestions.distance(source, Array(candidate.lowercased().utf8.prefix(64)))
        // Never everything: a word of two letters is not "near" every other short name.
        if distance <= threshold, distance < Swift.max(source.count, 1) {
            scored.append((distance, index, candidate))
        }
    }
    scored.sort { ($0.distance, $0.index) < ($1.distance, $1.index) }
    return scored.prefix(Swift.max(0, limit)).map(\.name)
}

/// `'a', 'b' or 'c'` (the first `limit` names, then ", ..."), for messages that list what exists.
public func quotedNames(_ names: [String], conjunction: String = "and", limit: Int = 8) -> String {
    guard names.count > limit else { return quotedList(names, conjunction: conjunction) }
    return names.prefix(limit).map { "'\($0)'" }.joined(separator: ", ") + ", ..."
}

/// `; did you mean 'x' or 'y'?`, or nothing when there are no suggestions.
public func didYouMeanPhrase(_ suggestions: [String]) -> String { didYouMean(suggestions) }
