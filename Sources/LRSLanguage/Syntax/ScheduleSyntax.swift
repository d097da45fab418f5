/// A schedule as written (section 8): one named schedule with its arguments, a sequence
/// `A until N then B ...`, or a chain `A with B`.
public struct ScheduleSyntax: Sendable {
    /// The shape of a schedule node.
    public enum Kind: Sendable {
        /// `NAME POSITIONAL... [KEY VALUE]...`; `kind` is what `name` names (the parser
        /// looks it up once, so the checker does not look again).
        case single(kind: ScheduleKind, name: Name, positional: [Expr], keywords: [OptionSyntax])
        /// `A until N then B [until M then C]...`: `SequentialLR` with milestones N, M.
        indirect case sequential(first: ScheduleSyntax, rest: [(milestone: Expr, schedule: ScheduleSyntax)])
        /// `A with B [with C]...`: `ChainedScheduler`.
        case chained([ScheduleSyntax])
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}
