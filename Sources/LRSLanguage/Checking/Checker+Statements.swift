import LRSFiles

extension Checker {
    /// Pass 1: one statement, in script order.
    mutating func checkStatement(_ statement: Statement) {
        switch statement.kind {
        case .seed(let expr):
            guard once(statement) else { return }
            if let seed = integer(expr, "seed", in: 0...Int(Int64.max >> 1), rangeText: "at least 0") {
                statements.append(.seed(seed, statement.range))
            }
        case .let(let name, let expr):
            checkLet(name: name, expr: expr, range: statement.range)
        case .input(let exprs):
            guard once(statement) else { return }
            var shape: [Int] = []
            for expr in exprs {
                guard let size = positiveInteger(expr, "an input size") else { return }
                shape.append(size)
            }
            inputShape = (shape, statement.range)
            statements.append(.input(shape, statement.range))
        case .model:
            guard once(statement) else { return }
            modelStatement = statement
            statements.append(.model(statement.range))
        case .optimizer(let kind, let hyperparameters):
            guard once(statement) else { return }
            if let checked = checkOptimizer(kind: kind, hyperparameters, range: statement.range) {
                optimizer = checked
                statements.append(.optimizer(statement.range))
            }
        case .group(let group):
            groupSyntax.append((group, statement.range))
            statements.append(.group(groupSyntax.count - 1))
        case .freeze(let selector, let until):
            if containsRest(selector) { diagnostics.error(.restInFreeze, at: selector.range) }
            var freeze = CheckedFreeze(selector: selector, range: statement.range)
            if let until {
                guard let epoch = positiveInteger(until, "the epoch after 'until epoch'") else { return }
                freeze.untilEpoch = epoch
                freeze.untilRange = until.range
            }
            freezes.append(freeze)
            statements.append(.freeze(freezes.count - 1))
        case .schedule(let schedule):
            scheduleSyntax.append(schedule)
            scheduleRanges.append(statement.range)
            statements.append(.schedule(scheduleSyntax.count - 1))
        case .initFile(let literal):
            guard once(statement) else { return }
            statements.append(.initFile(file(literal, mustExist: true)))
        case .save(let literal):
            statements.append(.save(file(literal, mustExist: false)))
        case .data(let syntax):
            guard once(statement) else { return }
            if let source = checkDataSource(syntax, range: statement.range) {
                dataSource = source
                statements.append(.data(source))
            }
        case .validate(let syntax):
            guard once(statement), noSecondValidation(statement) else { return }
            if let source = checkDataSource(syntax, range: statement.range) {
                statements.append(.validate(source))
            }
        case .split(let expr):
            guard once(statement), noSecondValidation(statement) else { return }
            guard let fraction = number(expr, "the split fraction") else { return }
            guard fraction > 0, fraction < 1 else {
                diagnostics.error(.valueOutOfRange("the split fraction", value: fraction, range: "between 0 and 1"),
                                  at: expr.range)
                return
            }
            statements.append(.split(fraction, statement.range))
        case .train(let options):
            guard once(statement) else { return }
            if let checked = checkTrain(options, range: statement.range) {
                train = checked
                statements.append(.train(checked))
            }
        case .checkpoint(let every, let literal):
            guard let epochs = positiveInteger(every, "the checkpoint interval") else { return }
            statements.append(.checkpoint(everyEpochs: epochs, file: file(literal, mustExist: false)))
        case .show(let show):
            showSyntax.append((show, statement.range))
            statements.append(.show(CheckedShow(what: show.what.text, argument: show.argument?.text, range: statement.range)))
        }
    }

    /// `validate` and `split` both name the validation data; only one may be given.
    private mutating func noSecondValidation(_ statement: Statement) -> Bool {
        let other = statement.keyword.text == "split" ? "validate" : "split"
        if let first = seen[other] {
            diagnostics.error(.duplicateStatement("\(statement.keyword.text)' or '\(other)"), at: statement.keyword.range,
                              notes: [.note(.previousDefinition(other), at: first)])
            return false
        }
        return true
    }

    // let NAME = EXPR: the override, when given, replaces the value (the expression must
    // still be valid).
    private mutating func checkLet(name: Name, expr: Expr, range: SourceRange) {
        if let first = letRanges[name.text] {
            diagnostics.error(.duplicateLet(name.text), at: name.range,
                              notes: [.note(.previousDefinition(name.text), at: first)])
            return
        }
        if Checker.constantContext[name.text] != nil || name.text == "pi" {
            diagnostics.error(.nameNotAllowed(name.text, context: "as a 'let' name; the language defines it"),
                              at: name.range)
            return
        }
        letRanges[name.text] = name.range
        guard var value = number(expr, "'\(name.text)'") else { return }
        let overridden = overrides[name.text] != nil
        if let override = overrides[name.text] { value = override }
        constants[name.text] = value
        statements.append(.let(name: name.text, value: value, overridden: overridden, range))
    }

    private func containsRest(_ selector: SelectorSyntax) -> Bool {
        switch selector.kind {
        case .rest: return true
        case .word, .glob, .captureGlob, .all: return false
        case .where(let s, _), .not(let s): return containsRest(s)
        case .and(let parts), .or(let parts): return parts.contains { containsRest($0) }
        }
    }

    // train [epochs N] [batch B] [loss LOSS] [shuffle BOOL] [clip NORM] [accumulate K]
    mutating func checkTrain(_ options: [OptionSyntax], range: SourceRange) -> CheckedTrain? {
        guard checkDistinct(options) else { return nil }
        var epochs = 1, batch = 32, loss: String?, shuffle = true, clip: Double?, accumulate = 1
        let valid = StatementVocabulary.trainOptions.map(\.name)
        var ok = true
        // Past the error cap nothing more is shown: stop before computing suggestions for
        // each of (say) 100,000 unknown names.
        for option in options where !diagnostics.isFull {
            guard option.values.count == 1, let value = option.values.first else {
                diagnostics.error(.valueCount("'\(option.name.text)'", expected: 1, got: option.values.count), at: option.range)
                ok = false
                continue
            }
            switch option.name.text {
            case "epochs": if let n = positiveInteger(value, "'epochs'") { epochs = n } else { ok = false }
            case "batch": if let n = positiveInteger(value, "'batch'") { batch = n } else { ok = false }
            case "loss": if let s = symbol(value, "'loss'", choices: ["cross_entropy", "mse"]) { loss = s } else { ok = false }
            case "shuffle": if let b = bool(value, "'shuffle'") { shuffle = b } else { ok = false }
            case "clip":
                // clip_grad_norm_ with max_norm 0 zeroes every gradient: surely a mistake.
                guard let x = number(value, "'clip'") else { ok = false; continue }
                if x > 0 { clip = x } else {
                    diagnostics.error(.valueOutOfRange("'clip'", value: x, range: "greater than 0"), at: value.range)
                    ok = false
                }
            case "accumulate": if let n = positiveInteger(value, "'accumulate'") { accumulate = n } else { ok = false }
            default:
                diagnostics.error(.unknownOption(option.name.text, statement: "train", valid: valid,
                                                 suggestions: Suggestions.nearest(to: option.name.text, in: valid)),
                                  at: option.name.range)
                ok = false
            }
        }
        return ok ? CheckedTrain(epochs: epochs, batch: batch, loss: loss, shuffle: shuffle, clip: clip,
                                 accumulate: accumulate, range: range) : nil
    }

    // data_source := 'npy' STRING STRING | 'csv' STRING [label C] [header B] | 'synthetic' [...]
    mutating func checkDataSource(_ syntax: DataSourceSyntax, range: SourceRange) -> CheckedDataSource? {
        let kind = syntax.kind.text
        guard let source = DataSourceKind(rawValue: kind) else {
            diagnostics.error(.unknownDataSource(kind, suggestions: Suggestions.nearest(to: kind, in: StatementVocabulary.dataSources)),
                              at: syntax.kind.range)
            return nil
        }
        let expected = source.fileCount
        guard syntax.files.count == expected else {
            diagnostics.error(.dataFileCount(kind, expected: expected, got: syntax.files.count), at: syntax.kind.range)
            return nil
        }
        let files = syntax.files.map { file($0, mustExist: true) }
        guard checkDistinct(syntax.options) else { return nil }
        let specs = source.options
        var resolved: [ResolvedArgument] = []
        var ok = true
        for option in syntax.options where !diagnostics.isFull && !specs.contains(where: { $0.name == option.name.text }) {
            let valid = specs.map(\.name)
            diagnostics.error(.unknownOption(option.name.text, statement: "data \(kind)", valid: valid,
                                             suggestions: Suggestions.nearest(to: option.name.text, in: valid)),
                              at: option.name.range)
            ok = false
        }
        for spec in specs {
            guard let option = syntax.options.first(where: { $0.name.text == spec.name }) else {
                if spec.defaultValue == nil {
                    diagnostics.error(.missingOption(spec.name, of: "data \(kind)"), at: syntax.kind.range)
                    ok = false
                }
                resolved.append(ResolvedArgument(name: spec.name, value: defaultArgument(spec), isDefault: true, range: nil))
                continue
            }
            if spec.name == "label", let first = option.values.first, option.values.count == 1 {
                // A column: a header name (string or word) or a 0-based index.
                switch first.kind {
                case .string(let text): resolved.append(ResolvedArgument(name: "label", value: .string(text), isDefault: false, range: option.range))
                case .name(let text): resolved.append(ResolvedArgument(name: "label", value: .string(text), isDefault: false, range: option.range))
                default:
                    if let index = nonNegativeInteger(first, "the label column") {
                        resolved.append(ResolvedArgument(name: "label", value: .integer(index), isDefault: false, range: option.range))
                    } else { ok = false }
                }
                continue
            }
            guard let value = value(of: option, spec: spec, what: "'\(spec.name)'") else {
                ok = false
                continue
            }
            if case .integer(let n) = value, n < 1 {
                diagnostics.error(.valueOutOfRange("'\(spec.name)'", value: Double(n), range: "at least 1"), at: option.range)
                ok = false
            }
            if case .number(let x) = value, x < 0 {
                diagnostics.error(.valueOutOfRange("'\(spec.name)'", value: x, range: "at least 0"), at: option.range)
                ok = false
            }
            resolved.append(ResolvedArgument(name: spec.name, value: value, isDefault: false, range: option.range))
        }
        guard ok else { return nil }
        let checked = CheckedDataSource(kind: source, files: files, options: resolved, range: range)
        if let context = checked.context, let file = files.first, options.checkFiles,
           let length = try? FileBytes.size(of: file.path), TextData.sampleCount(length: length, context: context) == 0 {
            // Kept, with the error: its context still gives the model's input.
            diagnostics.error(.textTooShort(file.written, bytes: length, context: context), at: file.range)
        }
        return checked
    }

    /// Pass 2: token-id data and models agree (section 12): `text` data need a model that
    /// starts with an `embedding`, whose `input` is the context; such a model takes no
    /// `synthetic` data (its samples are not ids).
    mutating func checkTokenData(_ model: CheckedModel) {
        guard model.file == nil else { return }
        // The statements are walked for a `validate` only when there is one: the REPL runs
        // pass 2 for each entry.
        var validation: CheckedDataSource?
        if seen["validate"] != nil {
            for case .validate(let source) in statements { validation = source }
        }
        for source in [dataSource, validation].compactMap({ $0 }) {
            if let context = source.context {
                guard model.takesTokenIds else {
                    diagnostics.error(.textNeedsEmbedding, at: source.range)
                    continue
                }
                if let input = model.inputShape, input != [context] {
                    let range = source.options.first { $0.name == "context" }?.range ?? source.range
                    diagnostics.error(.textContextMismatch(context: context, input: ShapeText.text(input)), at: range)
                }
            } else if model.takesTokenIds, source.kind == .synthetic {
                diagnostics.error(.dataNotTokenIds(source.kind.rawValue), at: source.range)
            }
        }
    }
}
