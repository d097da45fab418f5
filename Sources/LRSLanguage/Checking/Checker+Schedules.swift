import LRSHyperparameters

extension Checker {
    /// Pass 2: every `schedule` statement: its groups exist and have no other schedule,
    /// its arguments are known, complete, in range and in order.
    mutating func checkSchedules() {
        let declaredList = groupSyntax.isEmpty ? ["all"] : groups.map(\.name) + expandedGroupNames()
        let declared = Set(declaredList)
        var scheduledAt: [String: SourceRange] = [:]
        scheduledAt.reserveCapacity(scheduleSyntax.count)
        // The rate schedule and the momentum schedules of each group, for the rule that
        // one hyperparameter has one schedule moving it.
        var rateSchedule: [String: CheckedSchedule] = [:]
        var momentumScheduled: [(group: String, range: SourceRange)] = []
        schedules.reserveCapacity(scheduleSyntax.count)
        for (syntax, range) in zip(scheduleSyntax, scheduleRanges) {
            var scheduled: [String] = []
            let hyperparameter = syntax.hyperparameter.flatMap { ScheduledHyperparameter(rawValue: $0.text) } ?? .learningRate
            for name in syntax.groups {
                func schedule(_ target: String) {
                    scheduled.append(target)
                    // One schedule per hyperparameter per group: `g` for the rate, `g weight_decay`...
                    let key = hyperparameter == .learningRate ? target : target + " " + hyperparameter.rawValue
                    if let first = scheduledAt.updateValue(name.range, forKey: key), first != name.range {
                        let twice: DiagnosticCondition = hyperparameter == .learningRate ? .groupScheduledTwice(target)
                            : .hyperparameterScheduledTwice(hyperparameter.rawValue, group: target)
                        diagnostics.error(twice, at: name.range,
                                          notes: [.note(.previousSchedule(target), at: first)])
                    }
                }
                if name.text == "all" {
                    // `all` is every group, even when one of them is named `all`.
                    for target in groupSyntax.isEmpty ? ["all"] : groups.map(\.name) { schedule(target) }
                } else if declared.contains(name.text) {
                    schedule(name.text)
                } else if failedGroupNames.contains(name.text) {
                    // The group's own error was reported at the group: not again here.
                    continue
                } else {
                    let known = declaredList + failedGroupNames.sorted() + droppedGroupNames.sorted() + ["all"]
                    let suggestions = Suggestions.nearest(to: name.text, in: known)
                    diagnostics.error(.unknownScheduleGroup(name.text, suggestions: suggestions,
                                                            groups: suggestions.isEmpty ? Checker.listable(known) : []),
                                      at: name.range)
                }
            }
            let perStep = syntax.per.map { $0.text == "step" } ?? defaultsToPerStep(syntax.schedule)
            if perStep, case .single(.plateau, let name, _, _) = syntax.schedule.kind {
                diagnostics.error(.plateauPerStep, at: syntax.per?.range ?? name.range)
            }
            guard let schedule = checkSchedule(syntax.schedule, perStep: perStep, topLevel: true) else { continue }
            checkRunLength(schedule, perStep: perStep)
            if let written = syntax.hyperparameter {
                guard checkScheduledHyperparameter(hyperparameter, schedule, groups: scheduled, at: written.range) else { continue }
                if hyperparameter == .momentum { momentumScheduled += scheduled.map { ($0, written.range) } }
            } else {
                checkCycledMomentum(schedule, groups: scheduled)
                for target in scheduled where rateSchedule[target] == nil { rateSchedule[target] = schedule }
            }
            schedules.append(CheckedScheduleStatement(groupNames: syntax.groups.map(\.text), hyperparameter: hyperparameter,
                                                      schedule: schedule, perStep: perStep, range: range))
        }
        for (group, range) in momentumScheduled {
            guard let rate = rateSchedule[group], let cycling = rate.momentumCycler else { continue }
            diagnostics.error(.momentumMovedTwice(group: group, schedule: cycling.rawValue), at: range)
        }
    }

    /// A `weight_decay` or `momentum` schedule: every group's kind has the hyperparameter,
    /// and the schedule cycles no momentum of its own.
    private mutating func checkScheduledHyperparameter(_ hyperparameter: ScheduledHyperparameter, _ schedule: CheckedSchedule,
                                                       groups names: [String], at range: SourceRange) -> Bool {
        if let cycling = schedule.momentumCycler {
            diagnostics.error(.hyperparameterScheduleCyclesMomentum(hyperparameter.rawValue, schedule: cycling.rawValue),
                              at: range)
            return false
        }
        for name in names {
            let kind = kind(ofGroup: name)
            guard !hyperparameter.isTaken(by: kind) else { continue }
            diagnostics.error(.hyperparameterNotScheduled(hyperparameter.rawValue, group: name, kind: kind.rawValue), at: range)
            return false
        }
        return true
    }

    /// The optimizer kind of a group; an `each` group's parts (`NAME.LAYER`), and a capturing
    /// group's, have the kind of the group they come from.
    private func kind(ofGroup name: String) -> OptimizerKind {
        let base = groups.first { $0.name == name }
            ?? groups.first { name.hasPrefix($0.name + ".") && ($0.each != nil || !$0.captures.isEmpty) }
        return base?.optimizerKind ?? optimizer?.kind ?? .sgd
    }

    /// The names `each` groups may expand to (`NAME.LAYER`, `NAME.PARAM`): a superset of
    /// those resolution makes, as the parameters a group gets depend on initial values.
    func expandedGroupNames() -> [String] {
        // Most scripts split no group: asked without a copy of each group, as the loop takes.
        guard let model, groups.contains(where: { $0.each != nil || !$0.captures.isEmpty }) else { return [] }
        var names: [String] = []
        for group in groups {
            switch group.each {
            case .layer?:
                names += model.parameterLayerNames.map { "\(group.name).\($0)" }
            case .param?:
                names += model.parameters.map { "\(group.name).\($0.name)" }
            case nil:
                names += capturedGroupNames(group, model: model)
            }
        }
        return names
    }

    /// The names a group with captures may split into (section 14), from every parameter
    /// its selector could take: a `where` is taken to hold, so this is a superset.
    private func capturedGroupNames(_ group: CheckedGroup, model: CheckedModel) -> [String] {
        guard !group.captures.isEmpty else { return [] }
        var seen = Set<[Int?]>()
        var found: [[Int?]] = []
        for parameter in model.parameters {
            var values = [Int?](repeating: nil, count: group.captures.count)
            let matched = CaptureBinding.bind(group.selector, name: parameter.name, slots: group.captures,
                                              values: &values) { node in
                switch node.kind {
                case .word(let word): return parameter.isSelected(byWord: word)
                case .glob(let pattern): return Glob.matches(pattern, parameter.name)
                case .not: return true
                default: return true
                }
            }
            if matched, seen.insert(values).inserted { found.append(values) }
        }
        return found.sorted(by: CaptureBinding.precedes).map { CaptureBinding.groupName(group.name, $0) }
    }

    /// `cyclic` and `onecycle` cycle `momentum` or `betas[0]` unless told not to; PyTorch
    /// refuses them on kinds with neither (adagrad, adadelta), so the script is wrong here.
    private mutating func checkCycledMomentum(_ schedule: CheckedSchedule, groups names: [String]) {
        switch schedule {
        case .single(let kind, _, let range):
            guard kind == .cyclic || kind == .onecycle, case .bool(true)? = schedule.argument("cycle_momentum") else { return }
            for name in names {
                let optimizerKind = self.kind(ofGroup: name)
                guard !optimizerKind.cyclesMomentum else { continue }
                diagnostics.error(.momentumNotCycled(schedule: kind.rawValue, group: name, kind: optimizerKind.rawValue), at: range)
                return
            }
        case .sequential(let children, _, _), .chained(let children, _):
            for child in children { checkCycledMomentum(child, groups: names) }
        }
    }

    /// `onecycle` and `cyclic` step per optimizer step unless `per epoch` is written.
    private func defaultsToPerStep(_ syntax: ScheduleSyntax) -> Bool {
        switch syntax.kind {
        case .single(let kind, _, _, _): return kind.isPerStepByDefault
        case .sequential(let first, let rest): return defaultsToPerStep(first) || rest.contains { defaultsToPerStep($0.schedule) }
        case .chained(let parts): return parts.contains { defaultsToPerStep($0) }
        }
    }

    private mutating func checkSchedule(_ syntax: ScheduleSyntax, perStep: Bool, topLevel: Bool) -> CheckedSchedule? {
        switch syntax.kind {
        case .single(let kind, let name, let positional, let keywords):
            if kind == .plateau && !topLevel {
                diagnostics.error(.nameNotAllowed("plateau", context: "inside 'until ... then' or 'with'"), at: name.range)
                return nil
            }
            return checkSingle(kind, name: name, positional, keywords, perStep: perStep, range: syntax.range)
        case .sequential(let first, let rest):
            var parts: [CheckedSchedule?] = [checkSchedule(first, perStep: perStep, topLevel: false)]
            var milestones: [Milestone] = []
            var ok = true
            for (milestone, schedule) in rest {
                parts.append(checkSchedule(schedule, perStep: perStep, topLevel: false))
                if let open = openRunLengthMilestone(milestone) {
                    milestones.append(open)
                    continue
                }
                guard let value = nonNegativeInteger(milestone, "a milestone") else {
                    ok = false
                    continue
                }
                if let last = milestones.last?.count, value < last {
                    diagnostics.error(.milestonesOutOfOrder(value, after: last), at: milestone.range)
                    ok = false
                }
                milestones.append(.count(value))
            }
            // Equal milestones are accepted, as SequentialLR accepts them: the schedule
            // between them has no epoch of its own (SequentialLR restarts the next one at
            // that milestone), and neither has the first one when the first milestone is 0.
            if ok {
                let schedules = [first] + rest.map(\.schedule)
                for (position, milestone) in milestones.enumerated() {
                    let before: Int? = position == 0 ? 0 : milestones[position - 1].count
                    guard let value = milestone.count, value == before else { continue }
                    let skipped = schedules[position]
                    diagnostics.warning(.scheduleNeverRuns(source.text(of: skipped.range), milestone: value,
                                                           first: position == 0),
                                        at: skipped.range)
                }
            }
            let checked = parts.compactMap { $0 }
            guard ok, checked.count == parts.count else { return nil }
            return .sequential(checked, milestones: milestones, range: syntax.range)
        case .chained(let parts):
            let checked = parts.map { checkSchedule($0, perStep: perStep, topLevel: false) }
            let all = checked.compactMap { $0 }
            guard all.count == checked.count else { return nil }
            return .chained(all, range: syntax.range)
        }
    }

    private mutating func checkSingle(_ kind: ScheduleKind, name: Name, _ positional: [Expr], _ keywords: [OptionSyntax],
                                      perStep: Bool, range: SourceRange) -> CheckedSchedule? {
        let specs = kind.positional
        let countOK = kind.isVariadic ? positional.count >= 1 : positional.count == specs.count
        guard countOK else {
            if positional.count < specs.count, let missing = specs.dropFirst(positional.count).first {
                diagnostics.error(.missingScheduleArgument(missing.name, schedule: kind.rawValue), at: range)
            } else {
                let expected = specs.isEmpty ? "no positional arguments"
                    : "\(specs.count) positional argument\(specs.count == 1 ? "" : "s") (\(specs.map(\.name).joined(separator: " ")))"
                diagnostics.error(.scheduleArgumentCount(kind.rawValue, expected: expected, got: positional.count), at: range)
            }
            return nil
        }
        guard checkDistinct(keywords) else { return nil }
        var arguments: [ResolvedArgument] = []
        arguments.reserveCapacity((kind.isVariadic ? 1 : specs.count) + kind.keywords.count)
        var ok = true
        if kind.isVariadic {
            var values: [Int] = []
            for expr in positional {
                if let n = nonNegativeInteger(expr, "a milestone") { values.append(n) } else { ok = false }
            }
            arguments.append(ResolvedArgument(name: specs[0].name, value: .integers(values), isDefault: false,
                                              range: positional[0].range.union(positional[positional.count - 1].range)))
        } else {
            for (spec, expr) in zip(specs, positional) {
                guard let value = scheduleValue(expr, spec: spec, kind: kind, perStep: perStep) else {
                    ok = false
                    continue
                }
                arguments.append(ResolvedArgument(name: spec.name, value: value, isDefault: false, range: expr.range))
            }
        }
        for spec in kind.keywords {
            guard let option = keywords.first(where: { $0.name.text == spec.name }) else {
                arguments.append(ResolvedArgument(name: spec.name, value: defaultArgument(spec), isDefault: true, range: nil))
                continue
            }
            guard let value = scheduleValue(option, spec: spec, kind: kind, perStep: perStep) else {
                ok = false
                continue
            }
            arguments.append(ResolvedArgument(name: spec.name, value: value, isDefault: false, range: option.range))
        }
        guard ok else { return nil }
        if kind == .wsd {
            guard let total = wsdTotal(perStep: perStep, at: name.range) else { return nil }
            arguments.append(ResolvedArgument(name: CheckedSchedule.wsdTotal, value: total, isDefault: true, range: nil))
        }
        let schedule = CheckedSchedule.single(kind, arguments: arguments, range: range)
        if kind == .cyclic, let base = schedule.argument("base_lr")?.number, let max = schedule.argument("max_lr")?.number,
           base > max {
            diagnostics.error(.cyclicBaseAboveMax(base: base, max: max), at: range)
            return nil
        }
        return schedule
    }

    /// What `wsd` runs over: `total_steps` per step, `epochs` per epoch; where the run's
    /// length is unknown, an error saying what to add, or in a checkpoint script the name
    /// itself (`.symbol`), which the exported module takes from `build()`'s keywords.
    private mutating func wsdTotal(perStep: Bool, at range: SourceRange) -> ArgumentValue? {
        bindRunLength()
        let name = perStep ? "total_steps" : "epochs"
        if let epochs = boundRunLength.epochs, let steps = perStep ? boundRunLength.stepsPerEpoch : 1 {
            let (total, overflow) = epochs.multipliedReportingOverflow(by: steps)
            if !overflow, total <= Checker.maxCount { return .integer(total) }
        }
        if openRunLength.contains(name) { return .symbol(name) }
        diagnostics.error(.runLengthUnknown(name: name, user: "wsd", advice: (runLengthGap ?? .tooLong).advice), at: range)
        return nil
    }

    /// A positional argument (one value), typed and range-checked as PyTorch's
    /// constructor would.
    private mutating func scheduleValue(_ expr: Expr, spec: ArgumentSpec, kind: ScheduleKind,
                                        perStep: Bool) -> ArgumentValue? {
        if spec.type == .expression {
            // The open run-length names follow `epoch` and `step`, whose order lowering relies on.
            guard let compiled = compile(expr, variables: CheckedSchedule.expressionVariables + openRunLength) else { return nil }
            if !perStep, compiled.usedVariables.contains("step") {
                diagnostics.error(.nameNotAllowed("step", context: "in a per-epoch schedule; add 'per step'"), at: expr.range)
                return nil
            }
            return .expression(compiled)
        }
        if let open = openRunLengthValue(expr, spec: spec) { return open }
        let name = spec.name
        guard let value = value(of: expr, spec: spec, what: "'\(name)' of '\(kind.rawValue)'") else { return nil }
        return obeyingRules(value, spec: spec, kind: kind, at: expr.range)
    }

    /// A number argument of a checkpoint script's schedule that reads a run-length name
    /// nothing gives (`cosine total_steps`): kept as an expression for the exported module
    /// to compute from `build()`'s keywords; PyTorch's constructor checks its range then.
    private func openRunLengthValue(_ expr: Expr, spec: ArgumentSpec) -> ArgumentValue? {
        guard spec.type == .number || spec.type == .integer else { return nil }
        return openRunLengthExpression(expr).map { .expression($0) }
    }

    /// A milestone that reads a run-length name nothing gives (`until round(total_steps / 10)`):
    /// the exported module computes it from `build()`'s keywords and checks there that it is
    /// a whole number, at least 0 and not before the one ahead of it.
    private func openRunLengthMilestone(_ expr: Expr) -> Milestone? {
        openRunLengthExpression(expr).map { .open($0) }
    }

    /// `expr` compiled over the run-length names nothing gives, when it reads one of them;
    /// otherwise nil, and the ordinary path (which reports any failure) takes the value.
    private func openRunLengthExpression(_ expr: Expr) -> CompiledExpression? {
        guard !openRunLength.isEmpty, mentionsRunLength(expr.range),
              case .success(let compiled) = compiler(variables: openRunLength).compile(expr),
              !compiled.usedVariables.isDisjoint(with: openRunLength) else { return nil }
        return compiled
    }

    /// A keyword argument, as a positional one after its count is checked.
    private mutating func scheduleValue(_ option: OptionSyntax, spec: ArgumentSpec, kind: ScheduleKind,
                                        perStep: Bool) -> ArgumentValue? {
        if spec.type == .expression {
            guard let first = option.values.first else { return nil }
            return scheduleValue(first, spec: spec, kind: kind, perStep: perStep)
        }
        if option.values.count == 1, let first = option.values.first, let open = openRunLengthValue(first, spec: spec) {
            return open
        }
        let name = spec.name
        guard let value = value(of: option, spec: spec, what: "'\(name)' of '\(kind.rawValue)'") else { return nil }
        return obeyingRules(value, spec: spec, kind: kind, at: option.values.first?.range ?? option.range)
    }

    /// The value, or `nil` after reporting the rule of PyTorch's constructor it breaks.
    private mutating func obeyingRules(_ value: ArgumentValue, spec: ArgumentSpec, kind: ScheduleKind,
                                       at range: SourceRange) -> ArgumentValue? {
        if let problem = ScheduleRules.problem(kind: kind, argument: spec.name, value: value) {
            diagnostics.error(problem, at: range)
            return nil
        }
        return value
    }

    /// `onecycle` raises once it is stepped past `total_steps`: compare with the run's
    /// length (epochs x optimizer steps per epoch, as the run-length names take it: `split`
    /// and `accumulate` included) where the script or the options tell it.
    private mutating func checkRunLength(_ schedule: CheckedSchedule, perStep: Bool) {
        guard case .single(.onecycle, _, let range) = schedule,
              case .integer(let total)? = schedule.argument("total_steps") else { return }
        bindRunLength()
        let epochs = boundRunLength.epochs ?? 1
        var run = epochs
        if perStep {
            guard let steps = boundRunLength.stepsPerEpoch else { return }
            let (product, overflow) = epochs.multipliedReportingOverflow(by: steps)
            guard !overflow else { return }
            run = product
        }
        if total < run {
            diagnostics.error(.onecycleTooShort(totalSteps: total, run: run), at: range)
        }
    }
}
