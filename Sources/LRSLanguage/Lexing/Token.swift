/// One token of an lrs script, with its source range.
public struct Token: Sendable, Equatable {
    /// What kind of token this is.
    public enum Kind: Sendable, Equatable {
        /// `[A-Za-z_][A-Za-z0-9_]*`; keywords are identifiers the parser recognises by text.
        case identifier
        /// A number literal; `value` is its value (`inf` when it overflowed, reported).
        case number
        /// A string literal; `text` is its decoded content.
        case string
        /// End of a statement: a newline outside brackets.
        case newline
        case semicolon, comma, colon, dot, equals
        case plus, minus, star, slash, percent, caret
        case less, lessEqual, greater, greaterEqual, equalEqual, bangEqual
        case leftParen, rightParen, leftBracket, rightBracket
        /// A byte that starts no token (already reported by the lexer).
        case invalid
        case endOfFile
    }

    public let kind: Kind
    public let range: SourceRange
    /// Identifier text or decoded string content (empty for numbers: their spelling is
    /// the source text of `range`).
    public let text: String
    /// Value of a number literal.
    public let value: Double

    public init(kind: Kind, range: SourceRange, text: String = "", value: Double = 0) {
        self.kind = kind
        self.range = range
        self.text = text
        self.value = value
    }

    /// Whether this token ends a statement.
    var endsStatement: Bool { kind == .newline || kind == .semicolon || kind == .endOfFile }
}

extension Token.Kind {
    /// How the token is spelled in messages ("expected ')'").
    var spelling: String {
        switch self {
        case .identifier: return "a name"
        case .number: return "a number"
        case .string: return "a string"
        case .newline: return "end of line"
        case .semicolon: return "';'"
        case .comma: return "','"
        case .colon: return "':'"
        case .dot: return "'.'"
        case .equals: return "'='"
        case .plus: return "'+'"
        case .minus: return "'-'"
        case .star: return "'*'"
        case .slash: return "'/'"
        case .percent: return "'%'"
        case .caret: return "'^'"
        case .less: return "'<'"
        case .lessEqual: return "'<='"
        case .greater: return "'>'"
        case .greaterEqual: return "'>='"
        case .equalEqual: return "'=='"
        case .bangEqual: return "'!='"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .invalid: return "an invalid character"
        case .endOfFile: return "end of file"
        }
    }
}
