extension Checker {
    /// Names that exist but are not constants, and why they cannot appear in a constant.
    static let constantContext: [String: String] = [
        "epoch": "here; only a schedule's expression reads it",
        "step": "here; only a schedule's expression reads it",
        "layer": "outside a group with 'each layer' or 'each param'",
        "layers": "outside a group with 'each layer' or 'each param'",
        "numel": "outside a 'where' predicate or an 'each param' group",
        "ndim": "outside a 'where' predicate or an 'each param' group",
        "param": "outside a 'where' predicate",
    ]

    /// A compiler over the current constants with the given variables. `constantContext`
    /// is passed whole: the compiler reads variables before it looks a name up there, so
    /// removing them would only copy the dictionary on every call.
    func compiler(variables: [String] = []) -> ExpressionCompiler {
        ExpressionCompiler(constants: constants, variables: variables, forbidden: forbiddenNames)
    }

    /// Compiles an expression, reporting its diagnostics.
    mutating func compile(_ expr: Expr, variables: [String] = []) -> CompiledExpression? {
        switch compiler(variables: variables).compile(expr) {
        case .success(let compiled): return compiled
        case .failure(let list):
            diagnostics.report(contentsOf: list.diagnostics)
            return nil
        }
    }

    /// A finite constant number. `what` names the value in messages; it is built only
    /// when there is a message (most values are fine, and the text costs an allocation).
    mutating func number(_ expr: Expr, _ what: @autoclosure () -> String) -> Double? {
        if case .bool = expr.kind {
            diagnostics.error(.valueType(what(), expected: "a number, not true or false"), at: expr.range)
            return nil
        }
        let fast = ExpressionCompiler.constantValue(expr, constants: constants)
        guard let value = fast ?? compile(expr)?.evaluate() else { return nil }
        guard value.isFinite else {
            diagnostics.error(.valueNotFinite(what()), at: expr.range)
            return nil
        }
        return value
    }

    /// A whole number in `range` (`1...` for sizes). Never traps on huge values.
    mutating func integer(_ expr: Expr, _ what: @autoclosure () -> String, in range: ClosedRange<Int>,
                          rangeText: String) -> Int? {
        guard let value = number(expr, what()) else { return nil }
        guard value == value.rounded() else {
            diagnostics.error(.valueNotWhole(what(), value: value), at: expr.range)
            return nil
        }
        guard value >= Double(range.lowerBound) else {
            diagnostics.error(.valueOutOfRange(what(), value: value, range: rangeText), at: expr.range)
            return nil
        }
        guard value <= Double(range.upperBound) else {
            diagnostics.error(.valueOutOfRange(what(), value: value, range: "at most \(range.upperBound)"), at: expr.range)
            return nil
        }
        return Int(value)
    }

    /// The largest size, count or step number the language accepts (2^40): beyond any
    /// real run, far from overflowing products of a few of them.
    static let maxCount = 1 << 40

    mutating func positiveInteger(_ expr: Expr, _ what: @autoclosure () -> String) -> Int? {
        integer(expr, what(), in: 1...Checker.maxCount, rangeText: "at least 1")
    }

    mutating func nonNegativeInteger(_ expr: Expr, _ what: @autoclosure () -> String) -> Int? {
        integer(expr, what(), in: 0...Checker.maxCount, rangeText: "at least 0")
    }

    /// `true` or `false`.
    mutating func bool(_ expr: Expr, _ what: @autoclosure () -> String) -> Bool? {
        if case .bool(let value) = expr.kind { return value }
        diagnostics.error(.valueType(what(), expected: "true or false"), at: expr.range)
        return nil
    }

    /// One of a fixed set of words.
    mutating func symbol(_ expr: Expr, _ what: @autoclosure () -> String, choices: [String]) -> String? {
        if let name = expr.bareName, choices.contains(name) { return name }
        let written = expr.bareName ?? source.text(of: expr.range)
        let suggestions = Suggestions.nearest(to: written, in: choices)
        let hint = suggestions.isEmpty ? "" : " (did you mean \(quotedList(suggestions))?)"
        diagnostics.error(.valueType(what(), expected: quotedList(choices) + hint), at: expr.range)
        return nil
    }

    /// A value of the type an argument spec asks for.
    mutating func value(of option: OptionSyntax, spec: ArgumentSpec, what: @autoclosure () -> String,
                        variables: [String] = []) -> ArgumentValue? {
        guard option.values.count == spec.arity else {
            diagnostics.error(.valueCount(what(), expected: spec.arity, got: option.values.count), at: option.range)
            return nil
        }
        guard let first = option.values.first else { return nil }
        if case .number = spec.type, spec.arity > 1 {
            var numbers: [Double] = []
            numbers.reserveCapacity(option.values.count)
            for value in option.values {
                guard let x = number(value, what()) else { return nil }
                numbers.append(x)
            }
            return .numbers(numbers)
        }
        if case .numbersOrNoneFirst = spec.type {
            // `none` is a word here, not a `let` name: PyTorch's None as the first value.
            var numbers: [Double?] = []
            numbers.reserveCapacity(option.values.count)
            for (index, value) in option.values.enumerated() {
                if index == 0, value.bareName == "none" {
                    numbers.append(nil)
                    continue
                }
                guard let x = number(value, what()) else { return nil }
                numbers.append(x)
            }
            return .optionalNumbers(numbers)
        }
        return value(of: first, spec: spec, what: what(), variables: variables)
    }

    /// The value of one expression (an argument that takes one value) of the type `spec`
    /// asks for.
    mutating func value(of first: Expr, spec: ArgumentSpec, what: @autoclosure () -> String,
                        variables: [String] = []) -> ArgumentValue? {
        switch spec.type {
        case .number:
            if !variables.isEmpty {
                // Compiled once: a second compile by `number` would report its errors again.
                guard let compiled = compile(first, variables: variables) else { return nil }
                if compiled.constantValue == nil { return .expression(compiled) }
            }
            return number(first, what()).map(ArgumentValue.number)
        case .integer:
            return integer(first, what(), in: -Checker.maxCount...Checker.maxCount, rangeText: "a whole number")
                .map(ArgumentValue.integer)
        case .bool:
            return bool(first, what()).map(ArgumentValue.bool)
        case .symbol(let choices):
            return symbol(first, what(), choices: choices).map(ArgumentValue.symbol)
        case .numbersOrNoneFirst:
            return number(first, what()).map { .optionalNumbers([$0]) }
        case .expression:
            if case .string(let text) = first.kind { return .string(text) }
            return compile(first, variables: variables).map(ArgumentValue.expression)
        }
    }

    /// Reports options given twice; returns whether all were distinct.
    /// Up to this many options, duplicates are found by scanning (see `checkDistinct`).
    static let shortOptionList = 16

    mutating func checkDistinct(_ options: [OptionSyntax]) -> Bool {
        // Option lists are nearly always short: then a scan of the names before each one
        // allocates nothing (and, by index, copies no option). A long list (a generated or
        // hostile script) is looked up in a dictionary instead, so it stays linear.
        var ok = true
        if options.count <= Checker.shortOptionList {
            for i in options.indices {
                let name = options[i].name
                guard let first = options[..<i].firstIndex(where: { $0.name.text == name.text }) else { continue }
                diagnostics.error(.duplicateOption(name.text), at: name.range,
                                  notes: [.note(.previousDefinition(name.text), at: options[first].name.range)])
                ok = false
            }
            return ok
        }
        var firstIndex: [String: Int] = [:]
        for i in options.indices {
            let name = options[i].name
            guard let first = firstIndex[name.text] else {
                firstIndex[name.text] = i
                continue
            }
            diagnostics.error(.duplicateOption(name.text), at: name.range,
                              notes: [.note(.previousDefinition(name.text), at: options[first].name.range)])
            ok = false
            if diagnostics.isFull { break }
        }
        return ok
    }

    /// A file named by the script, resolved against its directory; checked when asked.
    mutating func file(_ literal: StringLiteral, mustExist: Bool) -> CheckedFile {
        let directory = source.directory
        let path = literal.value.hasPrefix("/") || directory.isEmpty ? literal.value : directory + "/" + literal.value
        let checked = CheckedFile(written: literal.value, path: path, range: literal.range)
        if mustExist && options.checkFiles {
            switch FileProbe.check(path) {
            case .readable: break
            case .missing: diagnostics.error(.fileMissing(literal.value), at: literal.range)
            case .unreadable: diagnostics.error(.fileUnreadable(literal.value), at: literal.range)
            }
        }
        return checked
    }
}
