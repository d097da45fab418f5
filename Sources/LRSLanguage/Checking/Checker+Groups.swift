import LRSHyperparameters

extension Checker {
    /// Pass 2: selectors against the model's layers, group names, each group's optimizer
    /// kind and hyperparameters.
    mutating func checkGroups(in model: CheckedModel) {
        // Top-level names (labels and positions) and labels at any depth (section 12).
        layerNames = Set(model.layers.map(\.name)).union(model.items.compactMap(\.label))
        for freeze in freezes { checkSelector(freeze.selector, model: model) }
        guard let optimizer else { return }
        var names: [String: SourceRange] = [:]
        names.reserveCapacity(groupSyntax.count)
        groups.reserveCapacity(groupSyntax.count)
        for (position, (syntax, range)) in groupSyntax.enumerated() {
            checkSelector(syntax.selector, model: model)
            let name = syntax.alias?.text ?? syntax.selector.plainWord ?? "group\(position + 1)"
            let nameRange = syntax.alias?.range ?? syntax.selector.range
            if let first = names.updateValue(nameRange, forKey: name) {
                diagnostics.error(.duplicateGroupName(name), at: nameRange,
                                  notes: [.note(.previousDefinition(name), at: first)])
            }
            var kind = optimizer.kind
            if let own = syntax.optimizerKind {
                guard let known = knownKind(own) else {
                    failedGroupNames.insert(name)
                    continue
                }
                kind = known
            }
            // A group of another kind is another PyTorch optimizer: it starts from that
            // kind's defaults, not from the optimizer statement's values.
            let base = kind == optimizer.kind ? optimizer.hyperparameters : nil
            let captures = checkCaptures(syntax)
            let variables = syntax.each == nil ? captures : CheckedGroup.eachVariables
            guard var settings = hyperparameters(kind: kind, base: base, syntax.hyperparameters,
                                                 source: .group, variables: variables) else {
                failedGroupNames.insert(name)
                continue
            }
            constructorOnly(&settings, kind: kind, base: base)
            groups.append(CheckedGroup(name: name, selector: syntax.selector, each: syntax.each, optimizerKind: kind,
                                       hyperparameters: settings, range: range, captures: captures))
        }
    }

    /// Hyperparameters that PyTorch reads from the optimizer's constructor only, never from
    /// a parameter group: `torch.optim.Adagrad` fills its accumulators with the constructor's
    /// `initial_accumulator_value` (the `optimizer` statement's value for its own kind, else
    /// the default) whatever a group says. A group's own value is replaced by that one, with
    /// a warning when they differ, so a run does what the equivalent PyTorch program does.
    mutating func constructorOnly(_ settings: inout [HyperparameterSetting], kind: OptimizerKind,
                                  base: [HyperparameterSetting]?) {
        let name = "initial_accumulator_value"
        guard let index = settings.firstIndex(where: { $0.name == name && $0.source == .group }) else { return }
        let own = settings[index]
        let constructor = base?.first { $0.name == name }
            ?? kind.hyperparameters.first { $0.name == name }.map {
                HyperparameterSetting(name: name, value: defaultArgument($0), source: .default, range: nil)
            }
        guard let constructor else { return }
        if own.value.number == nil || own.value.number != constructor.value.number {
            let used = constructor.value.number.map(format) ?? constructor.value.text
            diagnostics.warning(.constructorOnlyHyperparameter(name, kind: kind.rawValue, used: used),
                                at: own.range)
        }
        settings[index] = constructor
    }

    /// Every word of a selector must be a layer kind or a layer name; predicates must
    /// reduce tensors to numbers.
    mutating func checkSelector(_ selector: SelectorSyntax, model: CheckedModel) {
        switch selector.kind {
        case .word(let word):
            if model.file != nil {
                checkSegmentWord(word, model: model, range: selector.range)
                return
            }
            // Layer names first: one lookup, where a kind is found by comparing with each.
            if !layerNames.contains(word), LayerKind(rawValue: word) == nil {
                let candidates = LayerKind.allCases.map(\.rawValue) + layerNames.sorted() + ["all", "rest"]
                diagnostics.error(.unknownSelectorWord(word, suggestions: Suggestions.nearest(to: word, in: candidates)),
                                  at: selector.range)
            }
        case .glob(let pattern):
            // A glob no parameter name matches is a typo (`"*.weigth"`): as an error, not the
            // empty group's warning, since its parameters would silently train under `rest`.
            // Asked of the names' bytes where they lie: made `String`s only for the error.
            var bytes = pattern
            let matched = bytes.withUTF8 { pattern in
                model.parameters.withNames { names in (0 ..< names.count).contains { Glob.matches(pattern, names[$0]) } }
            }
            if !matched {
                let names = model.parameters.names
                diagnostics.error(.globMatchesNoParameter(pattern, nearest: Suggestions.nearest(toPattern: pattern, in: names)),
                                  at: selector.range)
            }
        case .captureGlob(let glob):
            let parameters = model.parameters
            if !parameters.indices.contains(where: { glob.match(parameters.name($0)) != nil }) {
                let names = parameters.names
                diagnostics.error(.globMatchesNoParameter(glob.text, nearest: Suggestions.nearest(toPattern: glob.starred, in: names)),
                                  at: selector.range)
            }
        case .all, .rest:
            break
        case .where(let inner, let predicate):
            checkSelector(inner, model: model)
            var typer = PredicateTyper(constants: constants)
            if let type = typer.type(of: predicate), type == .tensor {
                typer.diagnostics.append(.error(.tensorNotAllowed("the predicate"), at: predicate.range))
            }
            diagnostics.report(contentsOf: typer.diagnostics.map { withExtentHint($0, model: model) })
        case .and(let parts), .or(let parts):
            for part in parts { checkSelector(part, model: model) }
        case .not(let inner):
            checkSelector(inner, model: model)
        }
    }

    /// The capture names of a group's selector (section 14), each checked: not a word the
    /// language or the script already gives a meaning, bound on one side of an `and` only,
    /// and not with `each`. Names that fail are left out (their uses are unknown names).
    mutating func checkCaptures(_ syntax: GroupSyntax) -> [String] {
        let names = syntax.selector.captureNames
        guard !names.isEmpty else { return [] }
        guard names.count <= CaptureGlob.limit else {
            diagnostics.error(.tooManyCaptures(limit: CaptureGlob.limit), at: syntax.selector.range)
            return []
        }
        if let range = syntax.eachRange { diagnostics.error(.captureWithEach, at: range) }
        var taken: [String: String] = [:]
        var ranges: [String: SourceRange] = [:]
        var stack = [syntax.selector]
        while let node = stack.popLast() {
            switch node.kind {
            case .captureGlob(let glob):
                for (name, range) in zip(glob.names, glob.nameRanges) {
                    if ranges[name] == nil { ranges[name] = range }
                    if let what = Checker.takenName(name, constants: constants) {
                        if taken[name] == nil { diagnostics.error(.captureNameTaken(name, what: what), at: range) }
                        taken[name] = what
                    }
                }
            case .and(let parts):
                var seen = Set<String>()
                for part in parts {
                    for name in part.captureNames where !seen.insert(name).inserted {
                        diagnostics.error(.captureBoundTwice(name), at: part.range)
                        taken[name] = "a capture bound twice"
                    }
                }
                stack.append(contentsOf: parts)
            case .or(let parts): stack.append(contentsOf: parts)
            case .where(let inner, _): stack.append(inner)
            case .word, .glob, .all, .rest, .not: break
            }
        }
        return names.filter { taken[$0] == nil }
    }

    /// What a capture named `name` would clash with, if anything.
    static func takenName(_ name: String, constants: [String: Double]) -> String? {
        if constants[name] != nil { return "the let" }
        if ExpressionCompiler.languageNames.contains(name) || constantContext[name] != nil { return "the language's" }
        if StatementVocabulary.functions.contains(name) || StatementVocabulary.reductions.contains(name) {
            return "the function"
        }
        if Checker.expressionKeywords.contains(name) || StatementVocabulary.keywords.contains(name) { return "the keyword" }
        return nil
    }

    /// Words an expression or a selector reads as operators or literals.
    static let expressionKeywords = ["and", "or", "not", "if", "then", "else", "true", "false", "where", "all", "rest",
                                     "each", "as"]

    /// A word selector of a model from a checkpoint: a whole dotted segment of some name.
    mutating func checkSegmentWord(_ word: String, model: CheckedModel, range: SourceRange) {
        guard !Checker.isNameSegment(word, of: model) else { return }
        let candidates = Checker.nameSegments(of: model)
        var nearest = Suggestions.nearest(to: word, in: candidates)
        if nearest.isEmpty {
            // Names differ from the word in case more often than by a typo (`LayerNorm`,
            // `input_layernorm`): the segments that hold it, or that it holds, ignoring case.
            let lower = word.lowercased()
            nearest = Array(candidates.filter {
                let segment = $0.lowercased()
                return segment.contains(lower) || lower.contains(segment) && segment.count > 2
            }.prefix(3))
        }
        if LayerKind(rawValue: word) != nil {
            diagnostics.error(.kindSelectorOnCheckpoint(word, suggestions: nearest), at: range)
            return
        }
        diagnostics.error(.unknownNameSegment(word, suggestions: nearest), at: range)
    }

    /// An unknown name in a predicate that is a selector word (`all where ndim >= 2 and not
    /// embed`) gets a note: the predicate took the rest of the selector (section 13).
    func withExtentHint(_ diagnostic: Diagnostic, model: CheckedModel) -> Diagnostic {
        guard case .unknownName(let name, _) = diagnostic.condition else { return diagnostic }
        let isSelectorWord = model.file.map { _ in Checker.isNameSegment(name, of: model) }
            ?? (layerNames.contains(name) || LayerKind(rawValue: name) != nil)
        guard isSelectorWord else { return diagnostic }
        var hinted = diagnostic
        hinted.notes.append(.note(.predicateTookSelector(name), at: diagnostic.range))
        return hinted
    }

    /// `show param NAME` and `show state GROUP` must name something that exists.
    mutating func checkShows(in model: CheckedModel) {
        for (show, _) in showSyntax {
            let what = show.what.text
            guard StatementVocabulary.showTargets.contains(what) else {
                diagnostics.error(.unknownShowTarget(what, suggestions: Suggestions.nearest(to: what, in: StatementVocabulary.showTargets)),
                                  at: show.what.range)
                continue
            }
            let takesName = what == "param" || what == "state"
            guard takesName else {
                if let argument = show.argument {
                    diagnostics.error(.expected("end of statement", found: "'\(argument.text)'"), at: argument.range)
                }
                continue
            }
            guard let argument = show.argument else {
                diagnostics.error(.expected(what == "param" ? "a parameter name" : "a group name", found: "end of statement"),
                                  at: show.what.range)
                continue
            }
            if what == "param" {
                let names = model.parameters.map(\.name) + model.buffers.map(\.name)
                if !names.contains(argument.text) {
                    diagnostics.error(.unknownParameter(argument.text, suggestions: Suggestions.nearest(to: argument.text, in: names)),
                                      at: argument.range)
                }
            } else {
                let names = groupSyntax.isEmpty ? ["all"] : groups.map(\.name) + failedGroupNames.sorted()
                let base = argument.text.split(separator: ".").first.map(String.init) ?? argument.text
                if !names.contains(argument.text), !failedGroupNames.contains(base),
                   !groups.contains(where: { $0.name == base && ($0.each != nil || !$0.captures.isEmpty) }) {
                    // A layer's name means its parameters; else the nearest parameter names.
                    let parameters = model.parameters.filter { $0.layerName == argument.text }.map(\.name)
                        + Suggestions.nearest(to: argument.text, in: model.parameters.map(\.name))
                    diagnostics.error(.unknownShowGroup(argument.text, suggestions: Suggestions.nearest(to: argument.text, in: names),
                                                        groups: names, parameters: parameters), at: argument.range)
                }
            }
        }
    }

    /// Names short enough a list to show in full when none is near a misspelt one.
    static func listable(_ names: [String]) -> [String] {
        var unique: [String] = []
        for name in names where !unique.contains(name) {
            unique.append(name)
            if unique.count > 8 { return [] }
        }
        return unique
    }
}
