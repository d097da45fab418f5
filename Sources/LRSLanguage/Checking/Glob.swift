import LRSFiles

/// Shell-style globs over parameter names, as Python's `fnmatch`: `*` any run of
/// characters (dots included), `?` one character, `[abc]` / `[!abc]` a set.
public enum Glob {
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        var pattern = pattern, name = name
        return pattern.withUTF8 { p in name.withUTF8 { s in matches(p, s) } }
    }

    /// `matches` on the UTF-8 bytes of a pattern and a name.
    public static func matches(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
        // Patterns and parameter names are nearly always ASCII: then each byte is one
        // scalar, and the bytes are matched where they are, not copied into arrays.
        if p.allSatisfy({ $0 < 0x80 }), s.allSatisfy({ $0 < 0x80 }) { return starsOnly(p, s) ?? match(p, s) }
        return match(String(decoding: p, as: UTF8.self).unicodeScalars.map(\.value),
                     String(decoding: s, as: UTF8.self).unicodeScalars.map(\.value))
    }

    /// A pattern whose only special character is `*` (`*.bias`, `blocks.*.attn.*`, nearly
    /// every pattern written): its literal pieces in order, the first a prefix and the last a
    /// suffix of the name, each middle one at its first place after the one before. `nil`
    /// for a pattern with `?` or `[`. On the UTF-8 bytes of any pattern and name: a match of
    /// whole bytes is a match of whole scalars.
    public static func starsOnly(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>) -> Bool? {
        guard let glob = StarGlob(p) else { return nil }
        return glob.matches(s, pattern: p)
    }

    /// A stars-only pattern read once, for asking about thousands of names (the group
    /// resolver asks each group's globs of every name): where its stars are.
    public struct StarGlob: Sendable {
        /// The stars' positions in the pattern, in order.
        let stars: [Int]

        /// `nil` for a pattern with `?` or `[`.
        public init?(_ p: UnsafeBufferPointer<UInt8>) {
            guard !p.contains(UInt8(ascii: "?")), !p.contains(UInt8(ascii: "[")) else { return nil }
            stars = p.indices.filter { p[$0] == UInt8(ascii: "*") }
        }

        /// Whether `s` matches this glob, whose text is `p`.
        public func matches(_ s: UnsafeBufferPointer<UInt8>, pattern p: UnsafeBufferPointer<UInt8>) -> Bool {
            guard let firstStar = stars.first, let lastStar = stars.last else { return p.elementsEqual(s) }
            let headCount = firstStar, tailCount = p.count - lastStar - 1
            guard s.count >= headCount + tailCount, ByteCompare.equal(s, 0, p, 0, count: headCount),
                  ByteCompare.equal(s, s.count - tailCount, p, lastStar + 1, count: tailCount) else { return false }
            var position = headCount
            let end = s.count - tailCount
            for index in stars.indices.dropLast() {
                let start = stars[index] + 1, stop = stars[index + 1]
                guard stop > start else { continue }
                guard let place = firstPlace(of: UnsafeBufferPointer(rebasing: p[start ..< stop]), in: s, from: position, end: end) else {
                    return false
                }
                position = place + stop - start
            }
            return true
        }
    }

    /// The first place of `piece` in `name` at or after `start` that ends by `end`: where a
    /// middle piece of a `*` pattern goes (the first place leaves the most room for the rest).
    private static func firstPlace(of piece: UnsafeBufferPointer<UInt8>, in name: UnsafeBufferPointer<UInt8>,
                                   from start: Int, end: Int) -> Int? {
        var position = start
        while position + piece.count <= end {
            if ByteCompare.equal(name, position, piece, 0, count: piece.count) { return position }
            position += 1
        }
        return nil
    }

    /// Matches scalars (or ASCII bytes) `s` against the pattern `p`.
    private static func match<C: RandomAccessCollection>(_ p: C, _ s: C) -> Bool
        where C.Index == Int, C.Element: FixedWidthInteger {
        let star = C.Element(UInt8(ascii: "*"))
        // Iterative matching with one backtrack point for the last '*': linear in practice,
        // never exponential on hostile patterns.
        var i = 0, j = 0
        var starP = -1, starS = 0
        while j < s.count {
            if i < p.count, p[i] == star {
                starP = i
                starS = j
                i += 1
            } else if i < p.count, let (matched, next) = single(p, i, s[j]), matched {
                i = next
                j += 1
            } else if starP >= 0 {
                i = starP + 1
                starS += 1
                j = starS
            } else {
                return false
            }
        }
        while i < p.count, p[i] == star { i += 1 }
        return i == p.count
    }

    /// Whether the pattern element at `i` matches `c`, and the index after the element.
    private static func single<C: RandomAccessCollection>(_ p: C, _ i: Int, _ c: C.Element) -> (Bool, Int)?
        where C.Index == Int, C.Element: FixedWidthInteger {
        func code(_ ascii: Unicode.Scalar) -> C.Element { C.Element(ascii.value) }
        if p[i] == code("?") { return (true, i + 1) }
        guard p[i] == code("[") else { return (p[i] == c, i + 1) }
        var k = i + 1
        var negate = false
        if k < p.count, p[k] == code("!") { negate = true; k += 1 }
        var found = false
        var first = true
        while k < p.count, p[k] != code("]") || first {
            first = false
            if k + 2 < p.count, p[k + 1] == code("-"), p[k + 2] != code("]") {
                if p[k] <= c && c <= p[k + 2] { found = true }
                k += 3
            } else {
                if p[k] == c { found = true }
                k += 1
            }
        }
        // An unclosed '[' is a literal '[' (as fnmatch treats it).
        guard k < p.count else { return (c == code("["), i + 1) }
        return (found != negate, k + 1)
    }
}
