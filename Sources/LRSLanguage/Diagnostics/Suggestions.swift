/// The nearest valid names to a misspelt one ("did you mean 'relu'?"): the one place every
/// part of lrs (checker, group resolution, command line, REPL) finds its suggestions.
public enum Suggestions {
    /// Up to `limit` candidates closest to `word` by optimal-string-alignment distance
    /// (edits, with adjacent transpositions counting one), nearest first; ties keep the
    /// candidates' order. Case is ignored; a candidate needs at most 1 edit for words of up
    /// to 3 letters, 2 up to 6, else 3, and fewer edits than the word has letters.
    public static func nearest(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
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

    /// Up to `limit` names closest to a glob that matches none of them: the fewest edits
    /// to the pattern's literal characters that make it match (`*` and `?` match for free),
    /// so `*.weigth` finds `0.weight` and `fc.weight` at one edit each.
    public static func nearest(toPattern pattern: String, in names: [String], limit: Int = 3) -> [String] {
        let tokens = GlobToken.parse(Array(pattern.unicodeScalars.prefix(128)))
        let literals = tokens.filter { $0 != .anyRun }.count
        let threshold = literals <= 3 ? 1 : (literals <= 6 ? 2 : 3)
        var scored: [(distance: Int, index: Int, name: String)] = []
        for (index, name) in names.enumerated() {
            let distance = GlobToken.distance(tokens, Array(name.unicodeScalars.prefix(256)))
            if distance <= threshold, distance < Swift.max(literals, 1) { scored.append((distance, index, name)) }
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

/// One element of a glob, for `Suggestions.nearest(toPattern:in:)`.
enum GlobToken: Equatable {
    case anyRun, anyOne
    case literal(Unicode.Scalar)
    case set([Unicode.Scalar], negated: Bool)

    static func parse(_ p: [Unicode.Scalar]) -> [GlobToken] {
        var tokens: [GlobToken] = []
        var i = 0
        while i < p.count {
            switch p[i] {
            case "*": if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?": tokens.append(.anyOne)
            case "[":
                var k = i + 1
                let negated = k < p.count && p[k] == "!"
                if negated { k += 1 }
                var members: [Unicode.Scalar] = []
                var first = true
                while k < p.count, p[k] != "]" || first {
                    members.append(p[k])
                    first = false
                    k += 1
                }
                if k < p.count {
                    tokens.append(.set(members, negated: negated))
                    i = k
                } else {
                    tokens.append(.literal("["))
                }
            default: tokens.append(.literal(p[i]))
            }
            i += 1
        }
        return tokens
    }

    /// Whether this token (not `*`) matches one character; a set's ranges count as their
    /// listed characters, close enough for suggestions.
    func matches(_ c: Unicode.Scalar) -> Bool {
        switch self {
        case .anyRun, .anyOne: return true
        case .literal(let l): return l == c
        case .set(let members, let negated): return members.contains(c) != negated
        }
    }

    /// The fewest edits (insert, delete, substitute, swap two neighbours) to the pattern
    /// for it to match `name`; `*` matches any run at no cost.
    static func distance(_ tokens: [GlobToken], _ name: [Unicode.Scalar]) -> Int {
        let width = name.count + 1
        var d = [Int](repeating: 0, count: (tokens.count + 1) * width)
        for j in 0...name.count { d[j] = j }
        for i in 1...Swift.max(tokens.count, 1) where i <= tokens.count {
            let t = tokens[i - 1]
            d[i * width] = d[(i - 1) * width] + (t == .anyRun ? 0 : 1)
            for j in 1...Swift.max(name.count, 1) where j <= name.count {
                if t == .anyRun {
                    d[i * width + j] = Swift.min(d[(i - 1) * width + j], d[i * width + j - 1])
                    continue
                }
                var best = Swift.min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1,
                                     d[(i - 1) * width + j - 1] + (t.matches(name[j - 1]) ? 0 : 1))
                if i > 1, j > 1, tokens[i - 2] != .anyRun, t.matches(name[j - 2]), tokens[i - 2].matches(name[j - 1]) {
                    best = Swift.min(best, d[(i - 2) * width + j - 2] + 1)
                }
                d[i * width + j] = best
            }
        }
        return d[tokens.count * width + name.count]
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
