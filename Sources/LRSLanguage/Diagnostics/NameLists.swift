/// Lists of names in messages; the nearest names themselves are `Suggestions.nearest`.

/// `'a', 'b' or 'c'` (the first `limit` names, then ", ..."), for messages that list what exists.
public func quotedNames(_ names: [String], conjunction: String = "and", limit: Int = 8) -> String {
    guard names.count > limit else { return quotedList(names, conjunction: conjunction) }
    return names.prefix(limit).map { "'\($0)'" }.joined(separator: ", ") + ", ..."
}
