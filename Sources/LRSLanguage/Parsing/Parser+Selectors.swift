extension Parser {
    // group := 'group' selector { 'each' ('layer' | 'param') | 'optimizer' KIND
    //                            | 'as' NAME | NAME value{arity} }
    mutating func parseGroup() throws(Abort) -> GroupSyntax {
        rule("group")
        let selector = try parseSelector()
        var group = GroupSyntax(selector: selector, each: nil, eachRange: nil, optimizerKind: nil,
                                hyperparameters: [], alias: nil)
        while check(.identifier) {
            let word = current
            switch word.text {
            case "each":
                advance()
                let what = try expectName("'layer' or 'param' after 'each'")
                guard let each = GroupSyntax.Each(rawValue: what.text) else {
                    report(.unknownEach(what.text), at: what.range)
                    throw Abort()
                }
                group.each = each
                group.eachRange = word.range.union(what.range)
            case "optimizer":
                advance()
                group.optimizerKind = try expectName("an optimizer kind")
            case "as":
                advance()
                group.alias = try expectName("a group name after 'as'")
            default:
                advance()
                if group.hyperparameters.isEmpty { group.hyperparameters.reserveCapacity(Parser.typicalOptionCount) }
                let name = Name(word.text, range: word.range)
                let values = try parseValues(count: OptimizerVocabulary.arity(of: word.text),
                                             stopAt: { OptimizerVocabulary.allNames.contains($0) || Parser.groupWords.contains($0) })
                group.hyperparameters.append(OptionSyntax(name: name, values: values, range: range(from: name.range)))
            }
        }
        return group
    }

    /// The group statement's own words, where a value list of several numbers stops
    /// (`eps 1e-8 each layer`: `eps` takes up to two for adafactor).
    static let groupWords: Set<String> = ["as", "each", "optimizer"]

    // selector := sel_and { 'or' sel_and }
    mutating func parseSelector() throws(Abort) -> SelectorSyntax {
        rule("selector")
        try enter()
        defer { leave() }
        let first = try parseSelectorAnd()
        guard checkWord("or") else { return first }
        var parts = [first]
        while matchWord("or") { parts.append(try parseSelectorAnd()) }
        return SelectorSyntax(.or(parts), range: first.range.union(previousRange))
    }

    // sel_and := sel_not { 'and' sel_not }
    mutating func parseSelectorAnd() throws(Abort) -> SelectorSyntax {
        rule("sel_and")
        let first = try parseSelectorNot()
        guard checkWord("and") else { return first }
        var parts = [first]
        while matchWord("and") { parts.append(try parseSelectorNot()) }
        return SelectorSyntax(.and(parts), range: first.range.union(previousRange))
    }

    // sel_not := 'not' sel_not | sel_where
    mutating func parseSelectorNot() throws(Abort) -> SelectorSyntax {
        rule("sel_not")
        guard checkWord("not") else { return try parseSelectorWhere() }
        let start = advance().range
        try enter()
        defer { leave() }
        let inner = try parseSelectorNot()
        return SelectorSyntax(.not(inner), range: start.union(inner.range))
    }

    // sel_where := sel_primary [ 'where' expr ]   (the predicate takes the rest, 'and' and
    //              'or' included; parenthesise to combine: '(S where P) and T')
    mutating func parseSelectorWhere() throws(Abort) -> SelectorSyntax {
        rule("sel_where")
        let primary = try parseSelectorPrimary()
        guard matchWord("where") else { return primary }
        let predicate = try parseExpression()
        return SelectorSyntax(.where(primary, predicate), range: primary.range.union(predicate.range))
    }

    // sel_primary := 'all' | 'rest' | NAME | INTEGER | STRING | '(' selector ')'
    mutating func parseSelectorPrimary() throws(Abort) -> SelectorSyntax {
        rule("sel_primary")
        let token = current
        switch token.kind {
        case .identifier:
            advance()
            switch token.text {
            case "all": return SelectorSyntax(.all, range: token.range)
            case "rest": return SelectorSyntax(.rest, range: token.range)
            default: return SelectorSyntax(.word(token.text), range: token.range)
            }
        case .number:
            advance()
            return SelectorSyntax(.word(source.text(of: token.range)), range: token.range)
        case .string:
            advance()
            guard CaptureGlob.hasCapture(token.text) else { return SelectorSyntax(.glob(token.text), range: token.range) }
            switch CaptureGlob.parse(token.text) {
            case .success(var glob):
                glob.nameRanges = glob.nameRanges.map { SourceRange(start: sourceOffset(token, $0.start),
                                                                    end: sourceOffset(token, $0.end)) }
                return SelectorSyntax(.captureGlob(glob), range: token.range)
            case .failure(let problem):
                report(problem.condition, at: SourceRange(start: sourceOffset(token, problem.offsets.lowerBound),
                                                          end: sourceOffset(token, problem.offsets.upperBound)))
                throw Abort()
            }
        case .leftParen:
            advance()
            let inner = try parseSelector()
            try expectClosing(.rightParen, opener: token)
            return SelectorSyntax(inner.kind, range: token.range.union(previousRange))
        default:
            throw fail(expected: "a selector (a layer kind or name, a quoted glob, 'all' or 'rest')")
        }
    }

    /// The source offset of a UTF-8 offset in a string token's text: past the opening quote,
    /// and one byte further for every escape (`\"`, `\\`) before it.
    func sourceOffset(_ token: Token, _ textOffset: Int) -> Int {
        var raw = token.range.start + 1
        var counted = 0
        while counted < textOffset, raw < token.range.end {
            raw += source.bytes[raw] == UInt8(ascii: "\\") ? 2 : 1
            counted += 1
        }
        return Swift.min(raw, token.range.end)
    }
}
