extension Parser {
    // expr := 'if' expr 'then' expr 'else' expr | binary
    // binary := unary { BINOP binary }      (precedence climbing over BinaryOperator)
    mutating func parseExpression(minPrecedence: Int = 1) throws(Abort) -> Expr {
        try enter()
        defer { leave() }
        rule("expr")
        if checkWord("if") { return try parseConditional() }
        rule("binary")
        // The operators read at this level have non-increasing precedence (a right operand
        // takes every tighter one), so the tree's left spine is a few runs of one precedence
        // each: every run becomes one flat chain, however long, not one node per term.
        var left = try parseUnary()
        // The run's first link is held apart: most runs have one (`a * b`), which becomes a
        // binary node without an array; the array starts at the second link.
        var firstLink: Expr.Link?
        var links: [Expr.Link] = []
        var sawComparison = false
        while let op = binaryOperator(current), op.precedence >= minPrecedence, !startsSignedValue {
            let opToken = advance()
            if op.isComparison {
                if sawComparison {
                    report(.comparisonChain, at: opToken.range)
                    throw Abort()
                }
                sawComparison = true
            }
            let next = op.isRightAssociative ? op.precedence : op.precedence + 1
            let right = try parseExpression(minPrecedence: next)
            if let first = firstLink, first.op.precedence != op.precedence || op.isRightAssociative {
                left = Self.fold(left, first, links)
                firstLink = nil
                links.removeAll(keepingCapacity: true)
            }
            let link = Expr.Link(op, right)
            if firstLink == nil { firstLink = link } else { links.append(link) }
        }
        guard let first = firstLink else { return left }
        return Self.fold(left, first, links)
    }

    /// `left` and a run of links of one precedence: a binary node, or a chain when the run
    /// has more than one link (`first` then `rest`).
    private static func fold(_ left: Expr, _ first: Expr.Link, _ rest: [Expr.Link]) -> Expr {
        guard !rest.isEmpty else {
            return Expr(.binary(first.op, left, first.operand), range: left.range.union(first.operand.range))
        }
        return Expr.folding(left, [first] + rest)
    }

    // conditional := 'if' expr 'then' expr 'else' expr
    mutating func parseConditional() throws(Abort) -> Expr {
        rule("conditional")
        let start = advance().range
        let condition = try parseExpression()
        guard matchWord("then") else { throw fail(expected: "'then'") }
        let whenTrue = try parseExpression()
        guard matchWord("else") else { throw fail(expected: "'else'") }
        let whenFalse = try parseExpression()
        return Expr(.conditional(condition, whenTrue, whenFalse), range: start.union(whenFalse.range))
    }

    // unary := '-' binary(^) | '+' binary(^) | 'not' binary(comparison) | primary
    //          (so '-2^2' is -(2^2) and 'not a < b' is not (a < b))
    mutating func parseUnary() throws(Abort) -> Expr {
        rule("unary")
        let token = current
        let op: UnaryOperator
        let operandPrecedence: Int
        switch token.kind {
        case .minus: op = .negate; operandPrecedence = PrefixPrecedence.negate
        case .plus: op = .plus; operandPrecedence = PrefixPrecedence.negate
        case .identifier where token.text == "not": op = .not; operandPrecedence = PrefixPrecedence.not + 1
        default: return try parsePrimary()
        }
        advance()
        let operand = try parseExpression(minPrecedence: operandPrecedence)
        return Expr(.unary(op, operand), range: token.range.union(operand.range))
    }

    // primary := NUMBER | STRING | 'true' | 'false' | NAME | NAME '(' [ expr { ',' expr } ] ')'
    //          | '(' expr ')'
    mutating func parsePrimary() throws(Abort) -> Expr {
        rule("primary")
        let token = current
        switch token.kind {
        case .number:
            advance()
            return Expr(.number(token.value), range: token.range)
        case .string:
            advance()
            return Expr(.string(token.text), range: token.range)
        case .leftParen:
            advance()
            let outer = splitsSignedValues
            splitsSignedValues = false
            defer { splitsSignedValues = outer }
            let inner = try parseExpression()
            try expectClosing(.rightParen, opener: token)
            return Expr(inner.kind, range: token.range.union(previousRange))
        case .identifier:
            switch token.text {
            case "true", "false":
                advance()
                return Expr(.bool(token.text == "true"), range: token.range)
            case "then", "else", "and", "or":
                throw fail(expected: "an expression")
            default:
                break
            }
            advance()
            guard check(.leftParen) else { return Expr(.name(token.text), range: token.range) }
            let open = advance()
            let outer = splitsSignedValues
            splitsSignedValues = false
            defer { splitsSignedValues = outer }
            var arguments: [Expr] = []
            if !check(.rightParen) {
                repeat {
                    arguments.append(try parseExpression())
                } while match(.comma)
            }
            try expectClosing(.rightParen, opener: open)
            return Expr(.call(token.text, nameRange: token.range, arguments), range: token.range.union(previousRange))
        default:
            throw fail(expected: "an expression")
        }
    }

    /// Whether the current token is a minus that starts the next of several values: spaced
    /// from what precedes it and joined to what follows (`3 -3.2`, not `3 - 3.2` or `3-3.2`).
    var startsSignedValue: Bool {
        guard splitsSignedValues, current.kind == .minus, index > 0, index + 1 < tokens.count else { return false }
        let next = tokens[index + 1]
        return tokens[index - 1].range.end < current.range.start && next.range.start == current.range.end
            && (next.kind == .number || next.kind == .identifier || next.kind == .leftParen)
    }

    /// The binary operator a token spells, if any.
    func binaryOperator(_ token: Token) -> BinaryOperator? {
        switch token.kind {
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .percent: return .remainder
        case .caret: return .power
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .equalEqual: return .equal
        case .bangEqual: return .notEqual
        case .identifier:
            if token.text == "and" { return .and }
            if token.text == "or" { return .or }
            return nil
        default: return nil
        }
    }
}
