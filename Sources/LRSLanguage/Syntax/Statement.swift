/// One statement of a script, with its range and the range of its leading keyword.
public struct Statement: Sendable {
    /// The statements of section 3 of the contract.
    public enum Kind: Sendable {
        case seed(Expr)
        case `let`(name: Name, value: Expr)
        case input([Expr])
        case model(ModelSyntax)
        case optimizer(kind: Name, hyperparameters: [OptionSyntax])
        case group(GroupSyntax)
        /// `freeze SELECTOR [until epoch N]` (section 15): with `until`, the epoch expression.
        case freeze(SelectorSyntax, until: Expr?)
        case schedule(ScheduleStatementSyntax)
        case initFile(StringLiteral)
        case data(DataSourceSyntax)
        case validate(DataSourceSyntax)
        case split(Expr)
        case train([OptionSyntax])
        case save(StringLiteral)
        case checkpoint(every: Expr, file: StringLiteral)
        case show(ShowSyntax)
    }

    public var kind: Kind
    public var range: SourceRange
    public var keyword: Name

    public init(_ kind: Kind, keyword: Name, range: SourceRange) {
        self.kind = kind
        self.keyword = keyword
        self.range = range
    }
}

/// `model < ITEM ; ITEM ... >`, or `model from "FILE"` (section 13).
public struct ModelSyntax: Sendable {
    /// The top-level items: layers and blocks (section 12).
    public var items: [ModelItemSyntax]
    /// The range of the opening `<`, for "to close '<' at line N" (the file name's range
    /// for `model from`).
    public var openRange: SourceRange
    /// The checkpoint of `model from "FILE"`; then `items` is empty.
    public var file: StringLiteral? = nil
}

/// `[LABEL:] KIND ARGS... [KEY VALUE]...`
public struct LayerSyntax: Sendable {
    public var label: Name?
    public var kind: Name
    public var arguments: [Expr]
    public var options: [OptionSyntax]
    public var range: SourceRange
}

/// `group SELECTOR [each layer|param] [optimizer KIND] [HP VALUE]... [as NAME]`
public struct GroupSyntax: Sendable {
    /// How a group expands into one group per layer or per parameter.
    public enum Each: String, Sendable {
        case layer, param
    }

    public var selector: SelectorSyntax
    public var each: Each?
    public var eachRange: SourceRange?
    public var optimizerKind: Name?
    public var hyperparameters: [OptionSyntax]
    public var alias: Name?
}

/// `schedule GROUPS [weight_decay | momentum] SCHEDULE [per step | per epoch]`
public struct ScheduleStatementSyntax: Sendable {
    /// The group names; `all` is kept as the name `all`.
    public var groups: [Name]
    /// `weight_decay` or `momentum` when written (else the schedule moves the rate).
    public var hyperparameter: Name? = nil
    public var schedule: ScheduleSyntax
    /// `step` or `epoch` when `per` was written.
    public var per: Name?
}

/// `data SOURCE ...` / `validate SOURCE ...`: `npy "X" "Y"`, `csv "F" [label C] [header B]`,
/// `synthetic [samples N] [classes C] [noise X]`.
public struct DataSourceSyntax: Sendable {
    public var kind: Name
    public var files: [StringLiteral]
    public var options: [OptionSyntax]
}

/// `show model|groups|lr|param NAME|state GROUP`
public struct ShowSyntax: Sendable {
    public var what: Name
    /// The parameter or group name after `param` / `state`, as written.
    public var argument: Name?
}
