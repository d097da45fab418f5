/// A selector over parameters (section 6): kinds, layer names, globs, `all`, `rest`,
/// `where`, `and`, `or`, `not`, parentheses.
public struct SelectorSyntax: Sendable {
    /// The shape of a selector node.
    public enum Kind: Sendable {
        /// A layer kind or a layer name (label or index); resolved by the checker.
        case word(String)
        /// A quoted glob over parameter names.
        case glob(String)
        /// A quoted glob with captures, `"blocks.{i}.*"` (section 14).
        case captureGlob(CaptureGlob)
        case all
        case rest
        indirect case `where`(SelectorSyntax, Expr)
        /// Two or more selectors that must all take a parameter. Kept flat (not nested pairs)
        /// so that `a and b and ...` of any length is walked and released in a loop.
        case and([SelectorSyntax])
        /// Two or more selectors of which one must take a parameter (flat, as `and`).
        case or([SelectorSyntax])
        indirect case not(SelectorSyntax)
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// The selector's word when it is a plain word (then it names its group): a kind, a
    /// layer name, `all` or `rest`.
    public var plainWord: String? {
        switch kind {
        case .word(let word): return word
        case .all: return "all"
        case .rest: return "rest"
        default: return nil
        }
    }

    /// Whether a `where` appears anywhere in the selector.
    public var usesPredicate: Bool {
        switch kind {
        case .word, .glob, .captureGlob, .all, .rest: return false
        case .where: return true
        case .and(let parts), .or(let parts): return parts.contains { $0.usesPredicate }
        case .not(let a): return a.usesPredicate
        }
    }

    /// The capture names the selector binds, distinct, in order of appearance. A glob
    /// under `not` binds nothing (the parameters it takes are those it does not match).
    public var captureNames: [String] {
        // Nearly every selector is a word or a plain glob: answered without allocating.
        switch kind {
        case .word, .glob, .all, .rest, .not: return []
        default: break
        }
        var names: [String] = []
        var seen = Set<String>()
        var stack = [self]
        while let node = stack.popLast() {
            switch node.kind {
            case .captureGlob(let glob):
                for name in glob.names where seen.insert(name).inserted { names.append(name) }
            case .where(let inner, _): stack.append(inner)
            case .and(let parts), .or(let parts): stack.append(contentsOf: parts.reversed())
            case .word, .glob, .all, .rest, .not: break
            }
        }
        return names
    }
}
