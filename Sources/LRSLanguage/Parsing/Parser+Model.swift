extension Parser {
    /// The deepest nesting of blocks inside a model (section 12): deeper is a located error,
    /// so hostile input cannot make the parser or the checker recurse without bound.
    public static let maxModelDepth = 64

    // model := 'model' '<' items '>'
    //        | 'model' 'from' STRING
    mutating func parseModel() throws(Abort) -> ModelSyntax {
        rule("model")
        if check(.identifier), current.text == "from" {
            advance()
            let file = try parseString("a checkpoint file name after 'from'")
            return ModelSyntax(items: [], openRange: file.range, file: file)
        }
        let open = try expect(.less, "'<' to open the model")
        let (items, closed) = try parseItems(open: open, depth: 0)
        if !closed, check(.endOfFile) { throw Abort() }
        return ModelSyntax(items: items, openRange: open.range)
    }

    // items := [ item ] { ( ';' | NEWLINE ) [ item ] }
    /// The items up to the '>' that closes `open`, and whether it came: a statement keyword
    /// at the start of a line, or the end of the file, means it was forgotten (reported
    /// once, at the innermost block; the parser then stands before that statement).
    mutating func parseItems(open: Token, depth: Int) throws(Abort) -> (items: [ModelItemSyntax], closed: Bool) {
        rule("items")
        var items: [ModelItemSyntax] = []
        while true {
            if match(.greater) { return (items, true) }
            if check(.semicolon) || check(.newline) {
                advance()
                continue
            }
            let afterNewline = index > 0 && tokens[index - 1].kind == .newline
            let isStatement = check(.identifier) && StatementVocabulary.keywords.contains(current.text)
                && LayerKind(rawValue: current.text) == nil && peek().kind != .colon
            if check(.endOfFile) || (afterNewline && isStatement) {
                let line = source.location(of: open.range.start).line
                report(.expectedClosing("'>'", opener: "'<'", line: line), at: current.range)
                // Stand before the statement so that it still parses.
                if check(.identifier) { index -= 1 }
                return (items, false)
            }
            let itemStart = index
            do throws(Abort) {
                let (item, closed) = try parseItem(depth: depth)
                items.append(item)
                if !closed { return (items, false) }
                if !(check(.semicolon) || check(.newline) || check(.greater) || check(.endOfFile)) {
                    throw fail(expected: "';', a new line or '>' after the \(item.isBlock ? "block" : "layer")")
                }
            } catch {
                if diagnostics.isFull { throw error }
                skipItem(from: itemStart)
            }
        }
    }

    /// After an error in the item from token `start`: skips to the end of that item, over
    /// any blocks it opened (an error deep inside leaves their '>'s to come), stopping at
    /// a separator or a '>' of this level, or before a statement keyword at the start of a
    /// line (a '>' forgotten). Iterative and linear.
    mutating func skipItem(from start: Int) {
        index = start
        var open = 0
        while !check(.endOfFile) {
            if open == 0, check(.semicolon) || check(.newline) || check(.greater) { return }
            let afterNewline = index > 0 && tokens[index - 1].kind == .newline
            if open > 0, afterNewline, check(.identifier), StatementVocabulary.keywords.contains(current.text),
               LayerKind(rawValue: current.text) == nil, peek().kind != .colon { return }
            if check(.less) { open += 1 }
            if check(.greater) { open -= 1 }
            advance()
        }
    }

    // item := layer | block
    // block := [ NAME ':' ] '<' items '>'
    //        | [ NAME ':' ] 'residual' '<' items '>' [ { NEWLINE } 'shortcut' '<' items '>' ]
    //        | [ NAME ':' ] 'repeat' arg '<' items '>'
    /// One item, and whether every block it opened was closed.
    mutating func parseItem(depth: Int) throws(Abort) -> (item: ModelItemSyntax, closed: Bool) {
        rule("item")
        let start = current.range
        var label: Name?
        if check(.identifier), peek().kind == .colon {
            label = Name(advance().text, range: previousRange)
            advance()
        }
        let blockKeyword = checkWord("residual") || checkWord("repeat")
        guard check(.less) || blockKeyword else {
            return (.layer(try parseLayer(label: label, start: start)), true)
        }
        rule("block")
        let keyword = blockKeyword ? Name(advance().text, range: previousRange) : nil
        var count: Expr?
        if keyword?.text == "repeat" {
            guard !check(.less) else { throw fail(expected: "the number of copies after 'repeat'") }
            count = try parseExpression(minPrecedence: BinaryOperator.add.precedence)
        }
        let opener = try expect(.less, keyword.map { "'<' after '\($0.text)'" + ($0.text == "repeat" ? " and its count" : "") }
                                       ?? "'<' to open the block")
        guard depth < Parser.maxModelDepth else {
            report(.nestingTooDeep(limit: Parser.maxModelDepth), at: opener.range)
            throw Abort()
        }
        let (body, closed) = try parseItems(open: opener, depth: depth + 1)
        var kind = BlockSyntax.Kind.sequence
        if let count { kind = .repeat(count: count) }
        var allClosed = closed
        if keyword?.text == "residual" {
            var shortcut: [ModelItemSyntax]?
            // `shortcut <` may follow on the next line: no layer or statement is called so.
            var ahead = index
            while ahead < tokens.count - 1, tokens[ahead].kind == .newline { ahead += 1 }
            if closed, tokens[ahead].kind == .identifier, tokens[ahead].text == "shortcut",
               ahead + 1 < tokens.count, tokens[ahead + 1].kind == .less {
                index = ahead + 1
                let shortcutOpener = advance()
                let (items, shortcutClosed) = try parseItems(open: shortcutOpener, depth: depth + 1)
                shortcut = items
                allClosed = shortcutClosed
            }
            kind = .residual(shortcut: shortcut)
        }
        let block = BlockSyntax(label: label, kind: kind, keyword: keyword, body: body, openRange: opener.range,
                                range: range(from: start))
        return (.block(block), allClosed)
    }

    // layer := [ NAME ':' ] KIND { arg } { NAME arg }      (arg: an expression without
    //          comparisons or and/or, so that '>' closes the model)
    /// The label, when written, has been read (it starts at `start`).
    mutating func parseLayer(label: Name?, start: SourceRange) throws(Abort) -> LayerSyntax {
        rule("layer")
        let kindName = try expectName("a layer kind")
        guard let kind = LayerKind(rawValue: kindName.text) else {
            let suggestions = Suggestions.nearest(to: kindName.text, in: LayerKind.allCases.map(\.rawValue) + ["residual", "repeat"])
            report(.unknownLayer(kindName.text, suggestions: suggestions), at: kindName.range)
            throw Abort()
        }
        let argumentPrecedence = BinaryOperator.add.precedence
        var arguments: [Expr] = []
        var options: [OptionSyntax] = []
        while true {
            if check(.identifier), kind.option(named: current.text) != nil || arguments.count >= kind.positional.count {
                let name = Name(advance().text, range: previousRange)
                if kind.option(named: name.text) == nil {
                    let valid = kind.options.map(\.name)
                    report(.unknownLayerOption(name.text, layer: kind.rawValue, valid: valid), at: name.range)
                    throw Abort()
                }
                let values = try parseValues(count: 1, minPrecedence: argumentPrecedence)
                options.append(OptionSyntax(name: name, values: values, range: range(from: name.range)))
            } else if startsExpression(current), options.isEmpty {
                rule("arg")
                arguments.append(try parseExpression(minPrecedence: argumentPrecedence))
            } else {
                break
            }
        }
        return LayerSyntax(label: label, kind: kindName, arguments: arguments, options: options,
                           range: range(from: start))
    }
}
