extension Parser {
    // script := { statement (NEWLINE | ';') }
    mutating func parseScript() -> [Statement] {
        rule("script")
        var statements: [Statement] = []
        // At most one statement per line or ';': sized once, as growing the array would
        // copy every statement so far (192 bytes each) at each doubling.
        statements.reserveCapacity(tokens.reduce(1) { $1.kind == .newline || $1.kind == .semicolon ? $0 + 1 : $0 })
        while !check(.endOfFile), !diagnostics.isFull {
            if check(.newline) || check(.semicolon) {
                advance()
                continue
            }
            let start = index
            do throws(Abort) {
                statements.append(try parseStatement())
                if !current.endsStatement {
                    throw fail(expected: "end of statement")
                }
            } catch {
                synchronize()
                if tokens[start].kind == .identifier { recordDropped(from: start) }
            }
        }
        return statements
    }

    /// The statements and those dropped for syntax errors.
    mutating func parseScriptRecordingDropped() -> ([Statement], [DroppedStatement]) {
        let statements = parseScript()
        return (statements, dropped)
    }

    /// Notes a statement from token `start` to here as dropped, with the names it may have
    /// declared, so the checker neither misses nor re-reports them.
    mutating func recordDropped(from start: Int) {
        let keyword = tokens[start].text
        var names: [String] = []
        let end = Swift.min(index, tokens.count - 1)
        if keyword == "let" || keyword == "group", start + 1 <= end, tokens[start + 1].kind == .identifier {
            names.append(tokens[start + 1].text)
        }
        if keyword == "group", start + 2 <= end {
            for i in (start + 1)..<end where tokens[i].kind == .identifier && tokens[i].text == "as"
                && tokens[i + 1].kind == .identifier {
                names.append(tokens[i + 1].text)
            }
        }
        dropped.append(DroppedStatement(keyword: keyword, names: names))
    }

    // statement := seed | let | input | model | optimizer | group | freeze | schedule
    //            | init | data | validate | split | train | save | checkpoint | show
    mutating func parseStatement() throws(Abort) -> Statement {
        rule("statement")
        guard check(.identifier) else { throw fail(expected: "a statement") }
        let keywordToken = advance()
        let keyword = Name(keywordToken.text, range: keywordToken.range)
        let kind: Statement.Kind
        switch keyword.text {
        case "seed": kind = .seed(try parseExpression())
        case "let": kind = try parseLet()
        case "input": kind = .input(try parseExpressionList())
        case "model": kind = .model(try parseModel())
        case "optimizer":
            let name = try expectName("an optimizer kind")
            kind = .optimizer(kind: name, hyperparameters: try parseOptions(arity: OptimizerVocabulary.arity))
        case "group": kind = .group(try parseGroup())
        case "freeze": kind = try parseFreeze()
        case "schedule": kind = .schedule(try parseScheduleStatement())
        case "init": kind = .initFile(try parseString("a file name"))
        case "save": kind = .save(try parseString("a file name"))
        case "data": kind = .data(try parseDataSource())
        case "validate": kind = .validate(try parseDataSource())
        case "split": kind = .split(try parseExpression())
        case "train": kind = .train(try parseOptions(arity: { _ in 1 }))
        case "checkpoint": kind = try parseCheckpoint()
        case "show": kind = .show(try parseShow())
        default:
            let suggestions = Suggestions.nearest(to: keyword.text, in: StatementVocabulary.keywords)
            report(.unknownStatement(keyword.text, suggestions: suggestions), at: keyword.range)
            throw Abort()
        }
        return Statement(kind, keyword: keyword, range: range(from: keyword.range))
    }

    // freeze := 'freeze' selector [ 'until' 'epoch' expr ]
    mutating func parseFreeze() throws(Abort) -> Statement.Kind {
        rule("freeze")
        let selector = try parseSelector()
        guard matchWord("until") else { return .freeze(selector, until: nil) }
        guard matchWord("epoch") else { throw fail(expected: "'epoch' after 'until'") }
        return .freeze(selector, until: try parseExpression())
    }

    // let := 'let' NAME '=' expr
    mutating func parseLet() throws(Abort) -> Statement.Kind {
        rule("let")
        let name = try expectName("a name after 'let'")
        _ = try expect(.equals, "'=' after the name")
        return .let(name: name, value: try parseExpression())
    }

    // string := STRING
    mutating func parseString(_ what: String) throws(Abort) -> StringLiteral {
        rule("string")
        let token = try expect(.string, what)
        return StringLiteral(token.text, range: token.range)
    }

    // expressions := { expr }   (up to the end of the statement)
    mutating func parseExpressionList() throws(Abort) -> [Expr] {
        rule("expressions")
        var values: [Expr] = []
        while startsExpression(current) { values.append(try parseExpression()) }
        if values.isEmpty { throw fail(expected: "a number") }
        return values
    }

    // options := { NAME value{arity} }
    mutating func parseOptions(arity: (String) -> Int, stopWords: Set<String> = []) throws(Abort) -> [OptionSyntax] {
        rule("options")
        var options: [OptionSyntax] = []
        while check(.identifier), !stopWords.contains(current.text) {
            if options.isEmpty { options.reserveCapacity(Parser.typicalOptionCount) }
            let name = Name(advance().text, range: previousRange)
            let values = try parseValues(count: arity(name.text), stopAt: { OptimizerVocabulary.allNames.contains($0) })
            options.append(OptionSyntax(name: name, values: values, range: range(from: name.range)))
        }
        return options
    }

    /// Up to `count` values; stops early at a token that starts no expression, or at an
    /// identifier for which `stopAt` holds (the next option's name). The first value is
    /// always read as a value, so `lr lr` (a `let` named like the option) means the `let`:
    /// only the optional further values give way to a following option's name.
    mutating func parseValues(count: Int, stopAt: (String) -> Bool = { _ in false },
                              minPrecedence: Int = 1) throws(Abort) -> [Expr] {
        rule("value")
        let outer = splitsSignedValues
        splitsSignedValues = count > 1
        defer { splitsSignedValues = outer }
        var values: [Expr] = []
        values.reserveCapacity(count)
        while values.count < count, startsExpression(current),
              values.isEmpty || !(check(.identifier) && stopAt(current.text)) {
            values.append(try parseExpression(minPrecedence: minPrecedence))
        }
        if values.isEmpty { throw fail(expected: "a value") }
        return values
    }

    // data_source := NAME { STRING } { NAME value }
    mutating func parseDataSource() throws(Abort) -> DataSourceSyntax {
        rule("data_source")
        let kind = try expectName("a data source ('npy', 'csv' or 'synthetic')")
        var files: [StringLiteral] = []
        while check(.string) {
            let token = advance()
            files.append(StringLiteral(token.text, range: token.range))
        }
        return DataSourceSyntax(kind: kind, files: files, options: try parseOptions(arity: { _ in 1 }))
    }

    // checkpoint := 'checkpoint' 'every' expr ('epochs' | 'epoch') STRING
    mutating func parseCheckpoint() throws(Abort) -> Statement.Kind {
        rule("checkpoint")
        guard matchWord("every") else { throw fail(expected: "'every'") }
        let every = try parseExpression()
        guard matchWord("epochs") || matchWord("epoch") else { throw fail(expected: "'epochs'") }
        return .checkpoint(every: every, file: try parseString("a file name"))
    }

    // show := 'show' NAME [ name_text ]   (name_text: the rest of the statement, e.g. 0.weight)
    mutating func parseShow() throws(Abort) -> ShowSyntax {
        rule("show")
        let what = try expectName("what to show ('model', 'groups', 'lr', 'param NAME' or 'state GROUP')")
        guard !current.endsStatement else { return ShowSyntax(what: what, argument: nil) }
        let start = current.range
        if check(.string) {
            let token = advance()
            return ShowSyntax(what: what, argument: Name(token.text, range: token.range))
        }
        while !current.endsStatement { advance() }
        let span = range(from: start)
        let text = source.text(of: span).filter { $0 != " " && $0 != "\t" }
        return ShowSyntax(what: what, argument: Name(text, range: span))
    }

    /// Whether a token can begin an expression (comparing small strings is cheaper than
    /// hashing them, and this runs for every value).
    func startsExpression(_ token: Token) -> Bool {
        switch token.kind {
        case .number, .string, .leftParen, .minus, .plus: return true
        case .identifier:
            let text = token.text
            return !(text == "then" || text == "else" || text == "and" || text == "or")
        default: return false
        }
    }
}
