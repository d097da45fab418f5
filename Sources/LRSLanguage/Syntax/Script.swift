/// A parsed script: its statements in order. The parser always produces one, even for
/// input with errors (statements it could not read are left out and reported).
public struct Script: Sendable {
    public let source: SourceFile
    public var statements: [Statement]

    public init(source: SourceFile, statements: [Statement]) {
        self.source = source
        self.statements = statements
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
