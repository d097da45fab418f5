extension Parser {
    /// Words that end a schedule's arguments.
    static func isScheduleStopWord(_ text: String) -> Bool {
        text == "until" || text == "then" || text == "with" || text == "per"
    }

    // schedule_stmt := 'schedule' group_name { ',' group_name } [ 'weight_decay' | 'momentum' ] schedule
    //                  [ 'per' ('step' | 'epoch') ]
    mutating func parseScheduleStatement() throws(Abort) -> ScheduleStatementSyntax {
        rule("schedule_stmt")
        var groups = [try parseGroupName()]
        while match(.comma) { groups.append(try parseGroupName()) }
        // A word after the groups that no schedule is named: the hyperparameter it moves.
        var hyperparameter: Name?
        if check(.identifier), ScheduledHyperparameter.written.contains(current.text) {
            hyperparameter = Name(advance().text, range: previousRange)
        }
        // `schedule cosine 10`: the group was left out. A group may be named like a
        // schedule, so only when what follows cannot begin a schedule.
        if groups.count == 1, let kind = ScheduleKind(rawValue: groups[0].text), !check(.leftParen),
           !(check(.identifier) && ScheduleKind(rawValue: current.text) != nil) {
            report(.missingScheduleGroup(schedule: kind.rawValue), at: groups[0].range)
            throw Abort()
        }
        let schedule = try parseSchedule()
        var per: Name?
        if matchWord("per") {
            let word = try expectName("'step' or 'epoch' after 'per'")
            guard word.text == "step" || word.text == "epoch" else {
                report(.unknownPer(word.text), at: word.range)
                throw Abort()
            }
            per = word
        }
        return ScheduleStatementSyntax(groups: groups, hyperparameter: hyperparameter, schedule: schedule, per: per)
    }

    // group_name := NAME | STRING | NUMBER   (adjacent NAME, NUMBER and '.' tokens join:
    //               'decay.layer1', 'decay.0.weight' name groups made by 'each')
    mutating func parseGroupName() throws(Abort) -> Name {
        rule("group_name")
        if check(.string) {
            let token = advance()
            return Name(token.text, range: token.range)
        }
        guard check(.identifier) || check(.number) else { throw fail(expected: "a group name") }
        let start = advance().range
        var end = start
        while current.range.start == end.end, [.identifier, .number, .dot].contains(current.kind) {
            end = advance().range
        }
        let range = start.union(end)
        return Name(source.text(of: range), range: range)
    }

    // schedule := sequence { 'with' sequence }
    mutating func parseSchedule() throws(Abort) -> ScheduleSyntax {
        rule("schedule")
        try enter()
        defer { leave() }
        let first = try parseSequence()
        guard checkWord("with") else { return first }
        var parts = [first]
        while matchWord("with") { parts.append(try parseSequence()) }
        return ScheduleSyntax(.chained(parts), range: first.range.union(previousRange))
    }

    // sequence := schedule_atom { 'until' expr 'then' schedule_atom }
    mutating func parseSequence() throws(Abort) -> ScheduleSyntax {
        rule("sequence")
        let first = try parseScheduleAtom()
        guard checkWord("until") else { return first }
        var rest: [(milestone: Expr, schedule: ScheduleSyntax)] = []
        while matchWord("until") {
            let milestone = try parseExpression()
            guard matchWord("then") else { throw fail(expected: "'then' after the milestone") }
            rest.append((milestone, try parseScheduleAtom()))
        }
        return ScheduleSyntax(.sequential(first: first, rest: rest), range: first.range.union(previousRange))
    }

    // schedule_atom := '(' schedule ')' | NAME { expr } { NAME expr }
    mutating func parseScheduleAtom() throws(Abort) -> ScheduleSyntax {
        rule("schedule_atom")
        if check(.leftParen) {
            let open = advance()
            let inner = try parseSchedule()
            try expectClosing(.rightParen, opener: open)
            return ScheduleSyntax(inner.kind, range: open.range.union(previousRange))
        }
        let name = try expectName("a schedule")
        guard let kind = ScheduleKind(rawValue: name.text) else {
            let suggestions = Suggestions.nearest(to: name.text, in: ScheduleKind.allCases.map(\.rawValue))
            report(.unknownSchedule(name.text, suggestions: suggestions), at: name.range)
            throw Abort()
        }
        var positional: [Expr] = []
        positional.reserveCapacity(kind.isVariadic ? Parser.typicalOptionCount : kind.positional.count)
        var keywords: [OptionSyntax] = []
        while true {
            if check(.identifier), Parser.isScheduleStopWord(tokens[index].text) { break }
            let filled = !kind.isVariadic && positional.count >= kind.positional.count
            if check(.identifier), kind.keyword(named: current.text) != nil || filled {
                let word = advance()
                let argument = Name(word.text, range: word.range)
                guard kind.keyword(named: argument.text) != nil else {
                    let valid = kind.keywords.map(\.name)
                    let suggestions = Suggestions.nearest(to: argument.text, in: valid + kind.positional.map(\.name))
                    report(.unknownScheduleArgument(argument.text, schedule: kind.rawValue, valid: valid,
                                                    suggestions: suggestions), at: argument.range)
                    throw Abort()
                }
                let values = try parseValues(count: 1)
                if keywords.isEmpty { keywords.reserveCapacity(Parser.typicalOptionCount) }
                keywords.append(OptionSyntax(name: argument, values: values, range: range(from: argument.range)))
            } else if startsExpression(current), keywords.isEmpty {
                positional.append(try parseExpression())
            } else {
                break
            }
        }
        return ScheduleSyntax(.single(kind: kind, name: name, positional: positional, keywords: keywords),
                              range: range(from: name.range))
    }
}
