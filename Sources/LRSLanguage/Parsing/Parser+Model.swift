extension Parser {
    // model := 'model' '<' [ layer ] { (';' | NEWLINE) [ layer ] } '>'
    //        | 'model' 'from' STRING
    mutating func parseModel() throws(Abort) -> ModelSyntax {
        rule("model")
        if check(.identifier), current.text == "from" {
            advance()
            let file = try parseString("a checkpoint file name after 'from'")
            return ModelSyntax(layers: [], openRange: file.range, file: file)
        }
        let open = try expect(.less, "'<' to open the model")
        var layers: [LayerSyntax] = []
        while true {
            if match(.greater) { break }
            if check(.semicolon) || check(.newline) {
                advance()
                continue
            }
            // A statement keyword at the start of a line means the '>' was forgotten.
            let afterNewline = index > 0 && tokens[index - 1].kind == .newline
            let isStatement = check(.identifier) && StatementVocabulary.keywords.contains(current.text)
                && LayerKind(rawValue: current.text) == nil && peek().kind != .colon
            if check(.endOfFile) || (afterNewline && isStatement) {
                let line = source.location(of: open.range.start).line
                report(.expectedClosing("'>'", opener: "'<'", line: line), at: current.range)
                // Stop before the statement so the next one still parses.
                if check(.identifier) {
                    index -= 1
                    return ModelSyntax(layers: layers, openRange: open.range)
                }
                throw Abort()
            }
            do throws(Abort) {
                layers.append(try parseLayer())
                if !(check(.semicolon) || check(.newline) || check(.greater) || check(.endOfFile)) {
                    throw fail(expected: "';', a new line or '>' after the layer")
                }
            } catch {
                if diagnostics.isFull { throw error }
                while !(check(.semicolon) || check(.newline) || check(.greater) || check(.endOfFile)) { advance() }
            }
        }
        return ModelSyntax(layers: layers, openRange: open.range)
    }

    // layer := [ NAME ':' ] KIND { arg } { NAME arg }      (arg: an expression without
    //          comparisons or and/or, so that '>' closes the model)
    mutating func parseLayer() throws(Abort) -> LayerSyntax {
        rule("layer")
        let start = current.range
        var label: Name?
        if check(.identifier), peek().kind == .colon {
            label = Name(advance().text, range: previousRange)
            advance()
        }
        let kindName = try expectName("a layer kind")
        guard let kind = LayerKind(rawValue: kindName.text) else {
            let suggestions = Suggestions.nearest(to: kindName.text, in: LayerKind.allCases.map(\.rawValue))
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
