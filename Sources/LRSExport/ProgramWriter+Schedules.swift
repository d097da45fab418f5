import LRSEngine
import LRSHyperparameters
import LRSLanguage

// Schedules: PyTorch's scheduler classes, on the real optimizer where one scheduler serves
// all of its groups, else on a throwaway optimizer per group (refgen.py's GroupRate).
extension ProgramWriter {
    /// Whether every group of the kind follows one and the same `schedule` statement, so
    /// one scheduler on the real optimizer does what a scheduler per group would.
    func sharesOneSchedule(_ kind: OptimizerKind) -> CheckedScheduleStatement? {
        let groups = resolution.groups.filter { $0.optimizerKind == kind }
        guard let first = groups.first?.schedule else { return nil }
        for group in groups where group.schedule?.range != first.range { return nil }
        return first
    }

    var hasSchedules: Bool { resolution.groups.contains { $0.schedule != nil || !$0.hyperparameterSchedules.isEmpty } }

    /// When every schedule of the kind's groups is a `lambda` (or every one a
    /// `multiplicative`), all stepping alike, one LambdaLR (MultiplicativeLR) with a
    /// function per group serves them all, as PyTorch users write it; a group without a
    /// schedule gets the factor 1. The scheduler kind and whether it steps per step.
    func lambdaPerGroup(_ kind: OptimizerKind) -> (scheduler: ScheduleKind, perStep: Bool)? {
        let groups = resolution.groups.filter { $0.optimizerKind == kind }
        let statements = groups.compactMap(\.schedule)
        guard let first = statements.first, case .single(let scheduler, _, _) = first.schedule,
              scheduler == .lambda || scheduler == .multiplicative else { return nil }
        for statement in statements {
            guard case .single(let other, _, _) = statement.schedule, other == scheduler,
                  statement.perStep == first.perStep else { return nil }
        }
        return (scheduler, first.perStep)
    }

    mutating func schedulesSection() throws(ExportRefusal) -> String {
        guard hasSchedules else { return "" }
        var classes: Set<String> = ["ReduceLROnPlateau"]
        // One factory function per `schedule` statement, named after its groups.
        var factories: [Int: String] = [:]
        var definitions: [String] = []
        var taken: Set<String> = Set(kinds.map(\.rawValue))
        var entries: [String] = []
        var needsGroupSchedule = false
        var sharedDone: Set<OptimizerKind> = []
        // Kinds whose groups all got a factor in one LambdaLR/MultiplicativeLR.
        var listed: Set<OptimizerKind> = []
        for kind in kinds where sharesOneSchedule(kind) == nil {
            guard let (scheduler, perStep) = lambdaPerGroup(kind) else { continue }
            listed.insert(kind)
            classes.insert(scheduler.pytorchName)
            let name = Self.identifier(kind.rawValue + "_factors", avoiding: &taken)
            let groups = resolution.groups.filter { $0.optimizerKind == kind }
            var lines: [String] = []
            var comments: [String] = []
            var commented: Set<Int> = []
            for group in groups {
                if let statement = group.schedule, commented.insert(statement.range.start).inserted {
                    comments.append("    # " + origin(statement.range))
                }
                let factor: String
                if let statement = group.schedule, case .single(_, let arguments, _) = statement.schedule,
                   let argument = arguments.first(where: { $0.name == "lr_lambda" }) {
                    factor = try lambdaText(argument, perStep: perStep)
                } else {
                    factor = "lambda \(perStep ? "step" : "epoch"): 1"
                }
                let note = group.schedule == nil ? " (no schedule: its rate stays)" : ""
                lines.append("        \(factor),  # \(group.name)\(note)")
            }
            definitions += [""] + comments
                + ["    # \(scheduler.pytorchName): a factor of each group's initial rate, in group order.",
                   "    \(name) = ["] + lines + ["    ]"]
            let step = perStep ? ", per_step=True" : ""
            entries.append("        Schedule(\(scheduler.pytorchName)(\(kind.rawValue), \(name))\(step)),")
        }
        // Each schedule statement's factory, defined once however many groups it names.
        func factoryName(_ statement: CheckedScheduleStatement, _ suffix: String) throws(ExportRefusal) -> String {
            if let known = factories[statement.range.start] { return known }
            let factory = Self.identifier(statement.groupNames.joined(separator: "_") + suffix, avoiding: &taken)
            factories[statement.range.start] = factory
            var names = Set<String>()
            let scheduler = try schedulerLines(statement.schedule, optimizer: "optimizer",
                                               perStep: statement.perStep, classes: &names)
            classes.formUnion(names)
            definitions += ["", "    # " + origin(statement.range), "    def \(factory)(optimizer):"]
            definitions += Self.returning(scheduler, indent: "        ")
            return factory
        }
        for group in resolution.groups {
            guard let statement = group.schedule else { continue }
            let kind = group.optimizerKind
            if listed.contains(kind) { continue }
            let shared = sharesOneSchedule(kind) != nil
            if shared && sharedDone.contains(kind) { continue }
            let factory = try factoryName(statement, "_schedule")
            let step = statement.perStep ? ", per_step=True" : ""
            if shared {
                sharedDone.insert(kind)
                entries.append("        Schedule(\(factory)(\(kind.rawValue))\(step)),")
            } else {
                needsGroupSchedule = true
                entries.append("        GroupSchedule(\(kind.rawValue), \(PythonText.string(group.name)), \(factory)\(step)),")
            }
        }
        // `weight_decay` and `momentum` schedules: each on a throwaway optimizer of its own.
        var needsHyperparameterSchedule = false
        for group in resolution.groups {
            for statement in group.hyperparameterSchedules {
                let factory = try factoryName(statement, "_" + statement.hyperparameter.rawValue + "_schedule")
                needsHyperparameterSchedule = true
                let step = statement.perStep ? ", per_step=True" : ""
                entries.append("        HyperparameterSchedule(\(group.optimizerKind.rawValue), \(PythonText.string(group.name)), "
                               + "\(PythonText.string(statement.hyperparameter.rawValue)), \(factory)\(step)),")
            }
        }
        imports.insert("from torch.optim.lr_scheduler import " + classes.sorted().joined(separator: ", "))
        var out = scheduleClasses(group: needsGroupSchedule)
        if needsHyperparameterSchedule { out += hyperparameterScheduleClass() }
        if usesOpenMilestones { out += openMilestonesFunction }
        if !readsOpenRunLength {
            out += ["", "", "def make_schedules(optimizers):",
                    "    \"\"\"Each group's schedule, in group order; groups without one keep their rate.\"\"\""]
        } else {
            out += ["", "", "def make_schedules(optimizers, epochs, steps_per_epoch):",
                    "    \"\"\"Each group's schedule, in group order; groups without one keep their rate. The",
                    "    run length is what build() settled (run_length).\"\"\""]
            if runLengthReads.contains(where: { $0.open && $0.name == "total_steps" }) {
                out.append("    total_steps = epochs * steps_per_epoch")
            }
        }
        out.append("    " + (kinds.count == 1 ? "[\(kinds[0].rawValue)]" : kinds.map(\.rawValue).joined(separator: ", ")) + " = optimizers")
        out += definitions
        out += ["", "    return ["] + entries + ["    ]"]
        return out.joined(separator: "\n")
    }

    /// A Python identifier from a name (`tail.2.weight` -> `tail_2_weight`), unique among `taken`.
    static func identifier(_ name: String, avoiding taken: inout Set<String>) -> String {
        var base = String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        if base.first?.isNumber ?? true { base = "group_" + base }
        var candidate = base
        var suffix = 2
        while taken.contains(candidate) {
            candidate = base + "_\(suffix)"
            suffix += 1
        }
        taken.insert(candidate)
        return candidate
    }

    /// `return EXPR`, its lines indented.
    static func returning(_ lines: [String], indent: String) -> [String] {
        guard let first = lines.first else { return [] }
        return [indent + "return " + first] + lines.dropFirst().map { indent + $0 }
    }

    /// A scheduler as lines: one line when it fits, else a nested list one child per line
    /// or the arguments on a continuation line.
    private mutating func schedulerLines(_ schedule: CheckedSchedule, optimizer: String, perStep: Bool,
                                         classes: inout Set<String>) throws(ExportRefusal) -> [String] {
        let single = try schedulerText(schedule, optimizer: optimizer, perStep: perStep, classes: &classes)
        if single.count <= 80 { return [single] }
        switch schedule {
        case .single:
            guard let open = single.firstIndex(of: "(") else { return [single] }
            let name = single[..<open]
            let arguments = single[single.index(after: open)..<single.index(before: single.endIndex)]
            return [name + "(", "    " + arguments + ")"]
        case .sequential(let children, let milestones, _):
            var lines = ["SequentialLR(\(optimizer), ["]
            for child in children {
                lines.append("    " + (try schedulerText(child, optimizer: optimizer, perStep: perStep, classes: &classes)) + ",")
            }
            lines.append("], milestones=" + (try milestonesText(milestones, of: schedule)) + ")")
            return lines
        case .chained(let children, _):
            var lines = ["ChainedScheduler(["]
            for child in children {
                lines.append("    " + (try schedulerText(child, optimizer: optimizer, perStep: perStep, classes: &classes)) + ",")
            }
            lines.append("], optimizer=\(optimizer))")
            return lines
        }
    }

    private mutating func schedulerText(_ schedule: CheckedSchedule, optimizer: String, perStep: Bool,
                                        classes: inout Set<String>) throws(ExportRefusal) -> String {
        switch schedule {
        case .single(.wsd, let arguments, _):
            classes.insert("LambdaLR")
            // The total is a run-length name where a checkpoint script leaves it to build().
            var total: String?
            if case .symbol(let name)? = arguments.first(where: { $0.name == CheckedSchedule.wsdTotal })?.value { total = name }
            return "LambdaLR(\(optimizer), " + wsdLambda(ScheduleLowering.wsdFactor(arguments), total: total, perStep: perStep) + ")"
        case .single(let kind, let arguments, _):
            classes.insert(kind.pytorchName)
            var parts = [optimizer]
            let positional = Set(kind.positional.map(\.name))
            for argument in arguments where positional.contains(argument.name) || !argument.isDefault {
                if argument.name == "lr_lambda" {
                    parts.append(try lambdaText(argument, perStep: perStep))
                    continue
                }
                if case .expression(let compiled) = argument.value {
                    // A number from the run length that build()'s keywords give (`cosine total_steps`).
                    parts.append(Self.torchArgumentName(argument.name) + "=" + (try runLengthText(compiled)))
                    continue
                }
                guard let value = PythonText.value(argument.value) else {
                    throw ExportRefusal(.notConstant(argument: argument.name), at: argument.range ?? schedule.range)
                }
                parts.append(Self.torchArgumentName(argument.name) + "=" + value)
            }
            return kind.pytorchName + "(" + parts.joined(separator: ", ") + ")"
        case .sequential(let children, let milestones, _):
            classes.insert("SequentialLR")
            var inner: [String] = []
            for child in children {
                inner.append(try schedulerText(child, optimizer: optimizer, perStep: perStep, classes: &classes))
            }
            return "SequentialLR(\(optimizer), [" + inner.joined(separator: ", ") + "], milestones="
                + (try milestonesText(milestones, of: schedule)) + ")"
        case .chained(let children, _):
            classes.insert("ChainedScheduler")
            var inner: [String] = []
            for child in children {
                inner.append(try schedulerText(child, optimizer: optimizer, perStep: perStep, classes: &classes))
            }
            return "ChainedScheduler([" + inner.joined(separator: ", ") + "], optimizer=\(optimizer))"
        }
    }

    /// `[5, 20]`; where build()'s run length gives one (`until round(total_steps / 10)`),
    /// `milestones([...], LINE)`, which checks them as the checker checks fixed ones.
    private mutating func milestonesText(_ milestones: [Milestone], of schedule: CheckedSchedule) throws(ExportRefusal) -> String {
        var parts: [String] = []
        for milestone in milestones {
            switch milestone {
            case .count(let n): parts.append(String(n))
            case .open(let compiled):
                parts.append(try runLengthText(compiled))
            }
        }
        let list = "[" + parts.joined(separator: ", ") + "]"
        guard milestones.contains(where: { $0.count == nil }) else { return list }
        usesOpenMilestones = true
        return "milestones(\(list), \(script.source.location(of: schedule.range.start).line))"
    }

    /// An expression of the run length that build()'s keywords give (and of `variables` beyond
    /// them), in Python.
    private mutating func runLengthText(_ compiled: CompiledExpression, variables: Set<String> = [],
                                        substitutions: [String: String] = [:]) throws(ExportRefusal) -> String {
        var python = PythonExpression(constants: script.constants, variables: openRunLength.union(variables),
                                      substitutions: substitutions)
        let text = try python.text(compiled.syntax)
        usesMath = usesMath || python.usesMath
        return text
    }

    /// The module's check of milestones computed from the run length.
    private var openMilestonesFunction: [String] {
        [
            "", "",
            "def milestones(values, line):",
            "    \"\"\"SequentialLR's milestones, computed from the run length: whole numbers, at least 0",
            "    and in order, as lrs requires of milestones the script fixes.\"\"\"",
            "    if any(value != int(value) or value < 0 for value in values) or values != sorted(values):",
            "        raise ValueError(f\"the milestones {values} of the schedule on line {line} must be whole \"",
            "                         f\"numbers, at least 0 and in order, for this run length\")",
            "    return [int(value) for value in values]",
        ]
    }

    /// `lambda epoch: 0.95 ** epoch`; per step the count is of optimizer steps, so `step`.
    private mutating func lambdaText(_ argument: ResolvedArgument, perStep: Bool) throws(ExportRefusal) -> String {
        let variable = perStep ? "step" : "epoch"
        guard case .expression(let compiled) = argument.value else {
            guard let value = argument.value.number else {
                throw ExportRefusal(.factorNotANumber, at: argument.range)
            }
            return "lambda \(variable): " + PythonText.number(value)
        }
        let other = perStep ? "epoch" : "step"
        var substitutions: [String: String] = [:]
        if compiled.usedVariables.contains(other) {
            // Per step, `epoch` is the epochs completed: the step count over the steps per
            // epoch that the script's data, batch and accumulate give, or in a checkpoint
            // script that leaves them open, build()'s steps_per_epoch.
            if perStep, case .success(let count)? = TrainingSampleCount.of(script) {
                substitutions["epoch"] = "(step // \(count.stepsPerEpoch))"
            } else if perStep, openRunLength.contains("steps_per_epoch") {
                substitutions["epoch"] = "(step // steps_per_epoch)"
            } else {
                throw ExportRefusal(.wrongCounter(variable: other, perStep: perStep), at: compiled.syntax.range)
            }
        }
        return "lambda \(variable): " + (try runLengthText(compiled, variables: [variable], substitutions: substitutions))
    }

    /// `wsd` as the lambda of a LambdaLR: section 15's formula, operation for operation as
    /// lrs computes it, over the step count (or the epoch count per epoch).
    /// `total` names the run-length variable that holds the total when the script leaves it open.
    private mutating func wsdLambda(_ wsd: WSDFactor, total: String?, perStep: Bool) -> String {
        let t = perStep ? "step" : "epoch"
        let w = PythonText.number(wsd.warmupFactor), m = PythonText.number(wsd.minFactor)
        let p = "(\(t) - \(total ?? String(wsd.total)) + \(wsd.decay)) / \(wsd.decay)"
        let stable = total.map { "\($0) - \(wsd.decay)" } ?? String(wsd.total - wsd.decay)
        let decay: String
        switch wsd.shape {
        case .linear: decay = "1 - (1 - \(m)) * \(p)"
        case .cosine:
            usesMath = true
            decay = "\(m) + (1 - \(m)) * (1 + math.cos(math.pi * \(p))) / 2"
        case .sqrt:
            usesMath = true
            decay = "1 - (1 - \(m)) * math.sqrt(\(p))"
        }
        return "lambda \(t): (\(w) + (1 - \(w)) * \(t) / \(wsd.warmup) if \(t) < \(wsd.warmup) "
            + "else 1.0 if \(t) < \(stable) else \(decay))"
    }

    /// The language's argument names are PyTorch's but for `t_mult`.
    static func torchArgumentName(_ name: String) -> String {
        name == "t_mult" ? "T_mult" : name
    }

    /// The class that moves a group's `weight_decay` or `momentum` (section 15) by the
    /// formulas of a learning rate: PyTorch has no such scheduler, so one runs on a throwaway
    /// optimizer whose lr starts at the group's value, and the group takes that lr.
    private func hyperparameterScheduleClass() -> [String] {
        [
            "", "",
            "class HyperparameterSchedule(Schedule):",
            "    \"\"\"A schedule of one group's weight_decay or momentum (betas[0] for Adam-like kinds),",
            "    moved by the formulas of a learning rate: the scheduler runs on a throwaway SGD",
            "    optimizer whose lr starts at the group's value, and after every step the group takes",
            "    that lr as its value.\"\"\"",
            "",
            "    def __init__(self, optimizer, name, key, make_scheduler, per_step=False):",
            "        self.group = next(g for g in optimizer.param_groups if g[\"name\"] == name)",
            "        self.betas = key == \"momentum\" and \"betas\" in self.group",
            "        self.key = \"betas\" if self.betas else key",
            "        start = self.group[\"betas\"][0] if self.betas else self.group[key]",
            "        self.own = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=start)",
            "        super().__init__(make_scheduler(self.own), per_step)",
            "        self.copy_value()",
            "",
            "    def copy_value(self):",
            "        value = self.own.param_groups[0][\"lr\"]",
            "        self.group[self.key] = (value, self.group[\"betas\"][1]) if self.betas else value",
            "",
            "    def step(self, loss=None):",
            "        self.own.step()  # no gradient: changes nothing, keeps PyTorch's step-order check quiet",
            "        super().step(loss)",
            "        self.copy_value()",
        ]
    }

    private func scheduleClasses(group: Bool) -> [String] {
        var out = [
            "class Schedule:",
            "    \"\"\"A PyTorch scheduler and when it steps: after every optimizer step (per_step) or",
            "    after every epoch; ReduceLROnPlateau steps with the epoch's loss.\"\"\"",
            "",
            "    def __init__(self, scheduler, per_step=False):",
            "        self.scheduler = scheduler",
            "        self.per_step = per_step",
            "",
            "    def step(self, loss=None):",
            "        if isinstance(self.scheduler, ReduceLROnPlateau):",
            "            self.scheduler.step(loss)",
            "        else:",
            "            self.scheduler.step()",
        ]
        guard group else { return out }
        out += [
            "", "",
            "class GroupSchedule(Schedule):",
            "    \"\"\"A schedule for one parameter group alone, as if the group had an optimizer of",
            "    its own: the scheduler runs on a throwaway optimizer (same kind and hyperparameters,",
            "    one dummy parameter), and after every step the group takes its lr, and the momentum",
            "    or betas that cyclic and one-cycle schedules cycle.\"\"\"",
            "",
            "    def __init__(self, optimizer, name, make_scheduler, per_step=False):",
            "        self.group = next(g for g in optimizer.param_groups if g[\"name\"] == name)",
            "        settings = {k: v for k, v in self.group.items() if k not in (\"params\", \"initial_lr\")}",
            "        # 2-D: torch.optim.Muon takes matrices only; every other kind takes it too.",
            "        dummy = torch.zeros(1, 1, requires_grad=True)",
            "        self.own = type(optimizer)([{**settings, \"params\": [dummy]}])",
            "        super().__init__(make_scheduler(self.own), per_step)",
            "        self.copy_rates()",
            "",
            "    def copy_rates(self):",
            "        own = self.own.param_groups[0]",
            "        for key in (\"lr\", \"momentum\", \"betas\"):",
            "            if key in own and key in self.group:",
            "                self.group[key] = own[key]",
            "",
            "    def step(self, loss=None):",
            "        self.own.step()  # no gradient: changes nothing, keeps PyTorch's step-order check quiet",
            "        super().step(loss)",
            "        self.copy_rates()",
        ]
        return out
    }
}
