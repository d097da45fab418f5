import LRSFiles
import LRSLanguage

/// A group's selector made ready to be asked about thousands of names: its globs and words
/// kept as bytes, matched against each name's bytes where the parameter lies (`Glob.StarGlob`,
/// `CheckedModelFile.anySegment`), the tree flattened into nodes that hold positions only
/// (asking retains nothing). What needs more than the name (a `where` predicate, a word on a
/// built-in model, a glob with `?` or `[`) is asked of `SelectorMatcher`, as before. Gives the
/// same answer as `SelectorMatcher.matches` for every selector and parameter.
struct NameSelector {
    /// Each node holds positions and ranges only: asking copies a node for every name, and a
    /// node holding an array would retain and release it each time.
    private enum Node {
        case constant(Bool)
        /// A glob: matched on the bytes as `starGlobs[star]`, read once, or (a glob with `?` or
        /// `[`, `star` -1) by the general matcher's `syntax`.
        case glob(text: ByteSpan, star: Int, syntax: Int)
        /// A word, or the words of one `or` (`norm1 or norm2`): `words[range]`. For a
        /// checkpoint, a whole dotted segment of the parameter's name (section 13), the
        /// segments read once and each compared with every word; on a built-in model, each
        /// word's `syntax` asked.
        case words(Range<Int>)
        /// Anything else: `SelectorMatcher.matches(syntaxes[N])`.
        case general(Int)
        case and(Range<Int>)
        case or(Range<Int>)
        case not(Int)
    }

    private var nodes: [Node] = []
    /// The children of `and` and `or` nodes, as node positions.
    private var children: [Int] = []
    /// Globs' and words' text, one after another.
    private var bytes: [UInt8] = []
    private var starGlobs: [Glob.StarGlob] = []
    /// Every words node's words: each one's text in `bytes`, and its syntax.
    private var words: [(text: ByteSpan, syntax: Int)] = []
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
            words.append((text(Array(word.utf8)), general(selector)))
            node = .words(words.count - 1 ..< words.count)
        case .glob(let pattern):
            let utf8 = Array(pattern.utf8)
            var star = -1
            if let glob = utf8.withUnsafeBufferPointer({ Glob.StarGlob($0) }) {
                starGlobs.append(glob)
                star = starGlobs.count - 1
            }
            node = .glob(text: text(utf8), star: star, syntax: general(selector))
        case .or(let parts) where parts.filter({ if case .word = $0.kind { true } else { false } }).count > 1:
            // The words together, as one part, where the first of them stood (an `or` takes a
            // parameter when any part does, in any order). Their other parts are added first:
            // the words' range is then one run of `words`.
            var added: [Int] = []
            var theWords: [(text: ByteSpan, syntax: Int)] = []
            for part in parts {
                guard case .word(let word) = part.kind else {
                    added.append(add(part))
                    continue
                }
                if theWords.isEmpty { added.append(-1) }
                theWords.append((text(Array(word.utf8)), general(part)))
            }
            words.append(contentsOf: theWords)
            nodes.append(.words(words.count - theWords.count ..< words.count))
            let first = children.count
            children.append(contentsOf: added.map { $0 < 0 ? nodes.count - 1 : $0 })
            node = .or(first ..< children.count)
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

    private mutating func text(_ utf8: [UInt8]) -> ByteSpan {
        let start = bytes.count
        bytes.append(contentsOf: utf8)
        return ByteSpan(start ..< bytes.count)
    }

    private mutating func general(_ selector: SelectorSyntax) -> Int {
        syntaxes.append(selector)
        return syntaxes.count - 1
    }

    /// Whether the selector takes the parameter at `position` of `parameters`, whose names'
    /// bytes are `names` (a `ParameterInfo` is made only for the general matcher).
    func matches(_ names: ParameterList.Names, _ parameters: ParameterList, _ position: Int,
                 _ matcher: inout SelectorMatcher) -> Bool {
        bytes.withUnsafeBufferPointer { bytes in matches(root, names[position], bytes, parameters, position, &matcher) }
    }

    private func matches(_ node: Int, _ name: UnsafeBufferPointer<UInt8>, _ bytes: UnsafeBufferPointer<UInt8>,
                         _ parameters: ParameterList, _ position: Int, _ matcher: inout SelectorMatcher) -> Bool {
        switch nodes[node] {
        case .constant(let value):
            return value
        case .glob(let text, let star, let syntax):
            if star >= 0 { return starGlobs[star].matches(name, pattern: UnsafeBufferPointer(rebasing: bytes[text.range])) }
            return matcher.matches(syntaxes[syntax], parameters[position])
        case .words(let range):
            guard parameters.fromCheckpoint else {
                return words[range].contains { matcher.matches(syntaxes[$0.syntax], parameters[position]) }
            }
            // A word is never empty (as `CheckedModelFile.hasSegment` has it).
            return CheckedModelFile.anySegment(of: name) { start, end in
                for word in range {
                    let text = words[word].text
                    if text.count > 0, text.count == end - start, ByteCompare.equal(name, start, bytes, text.start, count: text.count) {
                        return true
                    }
                }
                return false
            }
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
}
