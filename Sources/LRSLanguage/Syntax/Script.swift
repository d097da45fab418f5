/// A parsed script: its statements in order. The parser always produces one, even for
/// input with errors (statements it could not read are left out and reported).
public struct Script: Sendable {
    public let source: SourceFile
    public var statements: [Statement]
    /// The statements left out for a syntax error, as far as they were read: the checker
    /// still checks the rest, and must not report what these would have declared as missing.
    public var dropped: [DroppedStatement]

    public init(source: SourceFile, statements: [Statement], dropped: [DroppedStatement] = []) {
        self.source = source
        self.statements = statements
        self.dropped = dropped
    }
}

/// A statement the parser could not read: its keyword, and the names it may have declared
/// (a `let`'s name; a group's `as` name or selector word).
public struct DroppedStatement: Sendable, Equatable {
    public var keyword: String
    public var names: [String]

    public init(keyword: String, names: [String]) {
        self.keyword = keyword
        self.names = names
    }
}

/// A name as written, with its range (`layer1`, `adam`, `lr`).
public struct Name: Sendable, Equatable {
    public var text: String
    public var range: SourceRange

    public init(_ text: String, range: SourceRange) {
        self.text = text
        self.range = range
    }
}

/// A string literal with its range (file names).
public struct StringLiteral: Sendable, Equatable {
    public var value: String
    public var range: SourceRange

    public init(_ value: String, range: SourceRange) {
        self.value = value
        self.range = range
    }
}

/// `NAME VALUE...`: a hyperparameter, a layer option, a schedule keyword argument, a
/// `train` or `data` option.
public struct OptionSyntax: Sendable {
    public var name: Name
    public var values: [Expr]
    public var range: SourceRange

    public init(name: Name, values: [Expr], range: SourceRange) {
        self.name = name
        self.values = values
        self.range = range
    }
}
