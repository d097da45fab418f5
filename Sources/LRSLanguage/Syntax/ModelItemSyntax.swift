/// An item of a model block (section 12): a layer, or a block of items.
public enum ModelItemSyntax: Sendable {
    case layer(LayerSyntax)
    case block(BlockSyntax)

    /// The label written before the item, if any.
    public var label: Name? {
        switch self {
        case .layer(let layer): return layer.label
        case .block(let block): return block.label
        }
    }

    /// From the label (or the first word) to the closing '>' or the last argument.
    public var range: SourceRange {
        switch self {
        case .layer(let layer): return layer.range
        case .block(let block): return block.range
        }
    }
}

/// `LABEL: < ITEMS >`, `[LABEL:] residual < ITEMS > [shortcut < ITEMS >]` or
/// `[LABEL:] repeat N < ITEMS >`.
public struct BlockSyntax: Sendable {
    /// Which block the keyword (or its absence) makes.
    public enum Kind: Sendable {
        /// `LABEL: < ITEMS >`: an `nn.Sequential`.
        case sequence
        /// `residual < ITEMS > [shortcut < ITEMS >]`.
        case residual(shortcut: [ModelItemSyntax]?)
        /// `repeat N < ITEMS >`, N as written.
        case `repeat`(count: Expr)
    }

    public var label: Name?
    public var kind: Kind
    /// `residual` or `repeat`; nil for a sequence.
    public var keyword: Name?
    /// The items between the '<' and its '>'.
    public var body: [ModelItemSyntax]
    /// The body's '<'.
    public var openRange: SourceRange
    public var range: SourceRange
}

extension ModelItemSyntax {
    var isBlock: Bool {
        if case .block = self { return true }
        return false
    }
}
