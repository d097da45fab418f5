/// Reads tokens into a `Script`: one parse function per grammar rule (the rule is written
/// above each), a precedence table for binary operators, recovery at statement boundaries.
///
/// The parser never traps and never recurses more than `maxDepth` levels: deeper nesting is
/// a diagnostic. Every error is reported once, then the statement is skipped.
public struct Parser {
    /// The deepest nesting of brackets, `not`s and unary minuses the parser follows.
    public static let maxDepth = 256

    /// Room reserved for a list of options when its first is read: grown from empty, an
    /// array is allocated anew (and copied) at its 1st, 2nd and 3rd element.
    static let typicalOptionCount = 4

    let source: SourceFile
    var tokens: [Token]
    var index = 0
    var depth = 0
    var diagnostics: DiagnosticCollector
    /// The productions entered, when tracing (grammar coverage tests); `nil` otherwise.
    var trace: Set<String>?
    /// Statements skipped for a syntax error (see `Script.dropped`).
    var dropped: [DroppedStatement] = []
    /// Inside a list of several values (`ns_coefficients 3.4445 -4.775 2.0315`), outside
    /// brackets: a minus with a space before it and none after starts the next value.
    var splitsSignedValues = false

    init(source: SourceFile, tokens: [Token], errorLimit: Int) {
        self.source = source
        self.tokens = tokens.isEmpty ? [Token(kind: .endOfFile, range: .at(0))] : tokens
        self.diagnostics = DiagnosticCollector(errorLimit: errorLimit)
    }

    /// Lexes and parses a source file: the script (always), and every lexical and syntax
    /// diagnostic in source order, capped at `errorLimit` errors. With `offset` (the start
    /// of a line), only the statements from there on.
    public static func parse(_ source: SourceFile, from offset: Int = 0,
                             errorLimit: Int = DiagnosticCollector.defaultErrorLimit) -> (script: Script, diagnostics: [Diagnostic]) {
        let (tokens, lexical) = Lexer.tokenize(source, from: offset)
        var parser = Parser(source: source, tokens: tokens, errorLimit: errorLimit)
        let (statements, dropped) = parser.parseScriptRecordingDropped()
        // Lexical and syntax diagnostics interleave by position; the cap applies to both.
        var merged = DiagnosticCollector(errorLimit: errorLimit)
        let all = (lexical + parser.diagnostics.diagnostics.filter {
            if case .tooManyErrors = $0.condition { return false }
            return true
        }).inSourceOrder()
        merged.report(contentsOf: all)
        if parser.diagnostics.isFull, !merged.isFull {
            // The parser stopped early: say so, even if its errors fit under the cap here.
            merged.stop(at: all.last?.range)
        }
        return (Script(source: source, statements: statements, dropped: dropped), merged.diagnostics)
    }

    /// The grammar productions a parse of `source` enters (for the grammar test).
    static func productions(entering source: SourceFile) -> Set<String> {
        let (tokens, _) = Lexer.tokenize(source)
        var parser = Parser(source: source, tokens: tokens, errorLimit: DiagnosticCollector.defaultErrorLimit)
        parser.trace = []
        _ = parser.parseScript()
        return parser.trace ?? []
    }

    /// Records that a production was entered (only when tracing).
    @inline(__always) mutating func rule(_ name: String) {
        if trace != nil { trace?.insert(name) }
    }

    /// Thrown after a syntax error has been reported, to unwind to the statement loop.
    struct Abort: Error {}

    // MARK: - Cursor

    var current: Token { tokens[index] }

    func peek(_ ahead: Int = 1) -> Token {
        let i = index + ahead
        return i < tokens.count ? tokens[i] : tokens[tokens.count - 1]
    }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func check(_ kind: Token.Kind) -> Bool { tokens[index].kind == kind }

    func checkWord(_ word: String) -> Bool { tokens[index].kind == .identifier && tokens[index].text == word }

    mutating func match(_ kind: Token.Kind) -> Bool {
        guard check(kind) else { return false }
        advance()
        return true
    }

    mutating func matchWord(_ word: String) -> Bool {
        guard checkWord(word) else { return false }
        advance()
        return true
    }

    /// The range of the token before the current one (the end of what was just read).
    var previousRange: SourceRange { index > 0 ? tokens[index - 1].range : current.range }

    /// The range from `start` to the end of the last token read.
    func range(from start: SourceRange) -> SourceRange {
        start.union(index > 0 ? tokens[index - 1].range : start)
    }

    // MARK: - Errors

    /// How the current token reads in "found ..." messages.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier, .number:
            let text = token.kind == .number ? source.text(of: token.range) : token.text
            return "'\(text.count > 40 ? String(text.prefix(37)) + "..." : text)'"
        default: return token.kind.spelling
        }
    }

    /// Reports "expected WHAT, found ..." at the current token (unless the lexer already
    /// reported it) and aborts the statement.
    mutating func fail(expected what: String) -> Abort {
        if current.kind != .invalid {
            diagnostics.error(.expected(what, found: describe(current)), at: current.range)
        }
        return Abort()
    }

    mutating func report(_ condition: DiagnosticCondition, at range: SourceRange) {
        diagnostics.error(condition, at: range)
    }

    mutating func expect(_ kind: Token.Kind, _ what: String) throws(Abort) -> Token {
        guard check(kind) else { throw fail(expected: what) }
        return advance()
    }

    /// Expects the closer of a bracket: "expected ')' (to close '(' at line N)".
    mutating func expectClosing(_ kind: Token.Kind, opener: Token) throws(Abort) {
        guard !match(kind) else { return }
        if current.kind != .invalid {
            let line = source.location(of: opener.range.start).line
            diagnostics.error(.expectedClosing(kind.spelling, opener: opener.kind.spelling, line: line),
                              at: current.range, notes: [])
        }
        throw Abort()
    }

    mutating func expectName(_ what: String) throws(Abort) -> Name {
        guard check(.identifier) else { throw fail(expected: what) }
        let token = advance()
        return Name(token.text, range: token.range)
    }

    /// Enters one level of nesting; deeper than `maxDepth` is a diagnostic.
    mutating func enter() throws(Abort) {
        depth += 1
        if depth > Parser.maxDepth {
            depth -= 1
            report(.nestingTooDeep(limit: Parser.maxDepth), at: current.range)
            throw Abort()
        }
    }

    mutating func leave() { depth -= 1 }

    /// Skips to the end of the statement (a newline or `;` outside a model block, or the
    /// end of the file). Iterative, so any amount of junk is skipped in linear time.
    mutating func synchronize() {
        while !current.endsStatement { advance() }
    }
}
