#if canImport(Glibc)
import Glibc
#endif
import LRSLanguage

/// A group's selector made ready to be asked about thousands of names: its globs of `*` and
/// literal text split into their pieces once, its words and pieces kept as bytes, the tree
/// flattened into nodes that hold positions only (asking retains nothing). What needs more
/// than the name (a `where` predicate, a word on a built-in model, a glob with `?` or `[`)
/// is asked of `SelectorMatcher`, as before. Gives the same answer as `SelectorMatcher.matches`
/// for every selector and parameter.
struct NameSelector {
    private enum Node {
        case constant(Bool)
        /// A glob of literal pieces around `*`s: `pieces` indexes `self.pieces`; the first
        /// piece is a prefix and the last a suffix of the name (each may be empty); without a
        /// `*`, one piece that is the whole name.
        case stars(pieces: Range<Int>, starred: Bool)
        /// A word: a whole dotted segment of a checkpoint parameter's name (section 13); on a
        /// built-in model, the general matcher's `syntax`.
        case word(text: Range<Int>, syntax: Int)
        /// Anything else: `SelectorMatcher.matches(syntaxes[N])`.
        case general(Int)
        case and(Range<Int>)
        case or(Range<Int>)
        case not(Int)
    }

    private var nodes: [Node] = []
    /// The children of `and` and `or` nodes, as node positions.
    private var children: [Int] = []
    /// Glob pieces and words, as ranges of `bytes`.
    private var pieces: [Range<Int>] = []
    private var bytes: [UInt8] = []
    private var syntaxes: [SelectorSyntax] = []
    private var root = 0

    init(_ selector: SelectorSyntax) {
        root = add(selector)
    }

    /// Adds a node for `selector` (its parts first) and returns its position. Selectors nest
    /// only as deep as the script writes them, which the parser bounds.
    private mutating func add(_ selector: SelectorSyntax) -> Int {
        let node: Node
        switch selector.kind {
        case .all, .rest:
            node = .constant(true)
        case .word(let word):
            node = .word(text: text(Array(word.utf8)), syntax: general(selector))
        case .glob(let pattern):
            let utf8 = Array(pattern.utf8)
            if utf8.contains(UInt8(ascii: "?")) || utf8.contains(UInt8(ascii: "[")) {
                node = .general(general(selector))
            } else {
                let parts = utf8.split(separator: UInt8(ascii: "*"), omittingEmptySubsequences: false)
                let first = pieces.count
                for part in parts { pieces.append(text(Array(part))) }
                node = .stars(pieces: first ..< pieces.count, starred: parts.count > 1)
            }
        case .and(let parts), .or(let parts):
            let added = parts.map { add($0) }
            let first = children.count
            children.append(contentsOf: added)
            if case .and = selector.kind { node = .and(first ..< children.count) } else { node = .or(first ..< children.count) }
        case .not(let inner):
            node = .not(add(inner))
        case .captureGlob, .where:
            node = .general(general(selector))
        }
        nodes.append(node)
        return nodes.count - 1
    }

    private mutating func text(_ utf8: [UInt8]) -> Range<Int> {
        let start = bytes.count
        bytes.append(contentsOf: utf8)
        return start ..< bytes.count
    }

    private mutating func general(_ selector: SelectorSyntax) -> Int {
        syntaxes.append(selector)
        return syntaxes.count - 1
    }

    /// Whether the selector takes the parameter at `position` of `parameters` (read where it
    /// lies: the general matcher alone is handed a copy).
    func matches(_ parameters: UnsafeBufferPointer<ParameterInfo>, _ position: Int, _ matcher: inout SelectorMatcher) -> Bool {
        let asked = parameters[position].name.utf8.withContiguousStorageIfAvailable { name in
            bytes.withUnsafeBufferPointer { bytes in matches(root, name, bytes, parameters, position, &matcher) }
        }
        if let asked { return asked }
        // A name not stored as UTF-8 (bridged): asked of a copy.
        let copy = Array(parameters[position].name.utf8)
        return copy.withUnsafeBufferPointer { name in
            bytes.withUnsafeBufferPointer { bytes in matches(root, name, bytes, parameters, position, &matcher) }
        }
    }

    private func matches(_ node: Int, _ name: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>,
                         _ parameters: UnsafeBufferPointer<ParameterInfo>, _ position: Int,
                         _ matcher: inout SelectorMatcher) -> Bool {
        switch nodes[node] {
        case .constant(let value):
            return value
        case .stars(let range, let starred):
            return starsMatch(range, starred, name, bytes)
        case .word(let text, let syntax):
            guard parameters[position].layerKind == nil else { return matcher.matches(syntaxes[syntax], parameters[position]) }
            return Self.hasSegment(name, UnsafeBufferPointer(rebasing: bytes[text]))
        case .general(let syntax):
            return matcher.matches(syntaxes[syntax], parameters[position])
        case .and(let range):
            for child in range where !matches(children[child], name, bytes, parameters, position, &matcher) { return false }
            return true
        case .or(let range):
            for child in range where matches(children[child], name, bytes, parameters, position, &matcher) { return true }
            return false
        case .not(let inner):
            return !matches(inner, name, bytes, parameters, position, &matcher)
        }
    }

    /// `Glob.matches` for a pattern of `*`s and literal text: the same bytes taken (for
    /// valid UTF-8, a match of whole bytes is a match of whole scalars).
    private func starsMatch(_ range: Range<Int>, _ starred: Bool, _ name: UnsafeBufferPointer<UInt8>,
                            _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let head = pieces[range.lowerBound]
        guard starred else { return name.count == head.count && Self.equal(name, 0, bytes, head) }
        let tail = pieces[range.upperBound - 1]
        guard name.count >= head.count + tail.count, Self.equal(name, 0, bytes, head),
              Self.equal(name, name.count - tail.count, bytes, tail) else { return false }
        // Each middle piece at its first place after the one before, ending by the suffix.
        var position = head.count
        let end = name.count - tail.count
        for index in range.dropFirst().dropLast() {
            let piece = UnsafeBufferPointer(rebasing: bytes[pieces[index]])
            guard !piece.isEmpty else { continue }
            guard let place = Glob.firstPlace(of: piece, in: name, from: position, end: end) else { return false }
            position = place + piece.count
        }
        return true
    }

    /// Whether `name` holds the bytes `piece` at `offset` (which the caller keeps in range
    /// for a piece that fits).
    private static func equal(_ name: UnsafeBufferPointer<UInt8>, _ offset: Int, _ bytes: UnsafeBufferPointer<UInt8>,
                              _ piece: Range<Int>) -> Bool {
        guard offset >= 0, offset + piece.count <= name.count else { return false }
        guard !piece.isEmpty, let a = name.baseAddress, let b = bytes.baseAddress else { return true }
        return memcmp(a + offset, b + piece.lowerBound, piece.count) == 0
    }

    /// `CheckedModelFile.name(_:hasSegment:)` on bytes.
    private static func hasSegment(_ name: UnsafeBufferPointer<UInt8>, _ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !word.isEmpty, name.count >= word.count, let n = name.baseAddress, let w = word.baseAddress else { return false }
        var start = 0
        while start <= name.count {
            var end = start
            while end < name.count, name[end] != UInt8(ascii: ".") { end += 1 }
            if end - start == word.count, memcmp(n + start, w, word.count) == 0 { return true }
            start = end + 1
        }
        return false
    }
}
