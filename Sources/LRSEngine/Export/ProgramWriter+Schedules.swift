import LRSLanguage

// Schedules: PyTorch's scheduler classes, on the real optimizer where one scheduler serves
// all of its groups, else on a throwaway optimizer per group (refgen.py's GroupRate).
extension ProgramWriter {
    /// Whether every group of the kind follows one and the same `schedule` statement, so
    /// one scheduler on the real optimizer does what a scheduler per group would.
    func sharesOneSchedule(_ kind: String) -> CheckedScheduleStatement? {
        let groups = resolution.groups.filter { $0.optimizerKind == kind }
        guard let first = groups.first?.schedule else { return nil }
        for group in groups where group.schedule?.range != first.range { return nil }
        return first
    }

    var hasSchedules: Bool { resolution.groups.contains { $0.schedule != nil } }

    mutating func schedulesSection() throws(ExportRefusal) -> String {
        guard hasSchedules else { return "" }
        var classes: Set<String> = ["ReduceLROnPlateau"]
        var entries: [String] = []
        var needsGroupSchedule = false
        var sharedDone: Set<String> = []
        for group in resolution.groups {
            guard let statement = group.schedule else { continue }
            let kind = group.optimizerKind
            let shared = sharesOneSchedule(kind) != nil
            if shared && sharedDone.contains(kind) { continue }
            var names = Set<String>()
            let perStep = statement.perStep
            let comment = "        # " + origin(statement.range)
            let step = perStep ? ", per_step=True" : ""
            if shared {
                sharedDone.insert(kind)
                let scheduler = try schedulerText(statement.schedule, optimizer: kind, perStep: perStep, classes: &names)
                entries.append(comment)
                entries.append("        Schedule(\(scheduler)\(step)),")
            } else {
                needsGroupSchedule = true
                let scheduler = try schedulerText(statement.schedule, optimizer: "optimizer", perStep: perStep, classes: &names)
                entries.append(comment)
                let line = "        GroupSchedule(\(kind), \(PythonText.string(group.name)), "
                    + "lambda optimizer: \(scheduler)\(step)),"
                if line.count <= 99 {
                    entries.append(line)
                } else {
                    entries.append("        GroupSchedule(")
                    entries.append("            \(kind), \(PythonText.string(group.name)),")
                    entries.append("            lambda optimizer: \(scheduler)\(step)),")
                }
            }
            classes.formUnion(names)
        }
        imports.insert("from torch.optim.lr_scheduler import " + classes.sorted().joined(separator: ", "))
        var out = scheduleClasses(group: needsGroupSchedule)
        out += ["", "", "def make_schedules(optimizers):",
                "    \"\"\"Each group's schedule, in group order; groups without one keep their rate.\"\"\""]
        out.append("    " + (kinds.count == 1 ? "[\(kinds[0])]" : kinds.joined(separator: ", ")) + " = optimizers")
        out.append("    return [")
        out += entries
        out.append("    ]")
        return out.joined(separator: "\n")
    }

    private mutating func schedulerText(_ schedule: CheckedSchedule, optimizer: String, perStep: Bool,
                                        classes: inout Set<String>) throws(ExportRefusal) -> String {
        switch schedule {
        case .single(let kind, let arguments, _):
            classes.insert(kind.pytorchName)
            var parts = [optimizer]
            let positional = Set(kind.positional.map(\.name))
            for argument in arguments where positional.contains(argument.name) || !argument.isDefault {
                if argument.name == "lr_lambda" {
                    parts.append(try lambdaText(argument, perStep: perStep))
                    continue
                }
                guard let value = PythonText.value(argument.value) else {
                    throw ExportRefusal("'\(argument.name)' must be a constant to be exported", at: argument.range ?? schedule.range)
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
            return "SequentialLR(\(optimizer), [" + inner.joined(separator: ", ") + "], milestones=["
                + milestones.map(String.init).joined(separator: ", ") + "])"
        case .chained(let children, _):
            classes.insert("ChainedScheduler")
            var inner: [String] = []
            for child in children {
                inner.append(try schedulerText(child, optimizer: optimizer, perStep: perStep, classes: &classes))
            }
            return "ChainedScheduler([" + inner.joined(separator: ", ") + "], optimizer=\(optimizer))"
        }
    }

    /// `lambda epoch: 0.95 ** epoch`; per step the count is of optimizer steps, so `step`.
    private mutating func lambdaText(_ argument: ResolvedArgument, perStep: Bool) throws(ExportRefusal) -> String {
        let variable = perStep ? "step" : "epoch"
        guard case .expression(let compiled) = argument.value else {
            guard let value = argument.value.number else {
                throw ExportRefusal("the factor is not a number", at: argument.range)
            }
            return "lambda \(variable): " + PythonText.number(value)
        }
        let other = perStep ? "epoch" : "step"
        if compiled.usedVariables.contains(other) {
            throw ExportRefusal("'\(other)' in a \(perStep ? "per-step" : "per-epoch") schedule: PyTorch's "
                                + "scheduler counts only \(perStep ? "optimizer steps" : "epochs")",
                                at: compiled.syntax.range)
        }
        var python = PythonExpression(constants: script.constants, variables: [variable])
        let body = try python.text(compiled.syntax)
        usesMath = usesMath || python.usesMath
        return "lambda \(variable): " + body
    }

    /// The language's argument names are PyTorch's but for `t_mult`.
    static func torchArgumentName(_ name: String) -> String {
        name == "t_mult" ? "T_mult" : name
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
            "        dummy = torch.zeros(1, requires_grad=True)",
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
