import LRSEngine
import LRSLanguage

// `lrs export --module` (and every script whose model comes from a file): not a program but
// a module for the user's own training code, section 16's `build(model)`. It needs only what
// the checked script and its resolved groups hold: parameter names and shapes, the frozen
// names, the groups with their hyperparameters and kinds, and the schedules.
extension ProgramWriter {
    mutating func writeModule() throws(ExportRefusal) -> String {
        let schedules = try schedulesSection()
        var sections = [parametersSection(), moduleGroupsSection(), buildSection(), SetupModuleText.setup,
                        SetupModuleText.check]
        // Only with `freeze ... until epoch`: a module without it reads as before.
        if !resolution.frozenUntil.isEmpty { sections.insert(SetupModuleText.unfreezing, at: 4) }
        let runLength = runLengthSection()
        if !runLength.isEmpty { sections.append(runLength) }
        if !schedules.isEmpty { sections.append(schedules) }
        sections.append(SetupModuleText.stateByName)
        return moduleHeader() + "\n\n\n" + sections.joined(separator: "\n\n\n") + "\n"
    }

    /// The module's name for `import` (`setup` for `setup.py`).
    var moduleName: String {
        options.programName.hasSuffix(".py") ? String(options.programName.dropLast(3)) : options.programName
    }

    private func moduleHeader() -> String {
        let plateau = resolution.groups.contains { group in group.schedule.map { Self.hasPlateau($0.schedule) } ?? false }
        var lines = [
            "\"\"\"The parameter groups, optimizers and schedules of \(scriptName) for your own",
            "training code, written by `lrs export`. torch is its only dependency.",
            "",
            "    from \(moduleName) import build",
            "",
            "    setup = build(model)  # checks the model's names and shapes against the script's",
            "    for epoch in range(epochs):",
            "        for x, y in batches:",
            "            loss_fn(model(x), y).backward()",
            "            setup.step()",
            plateau ? "        setup.epoch_end(validation_loss)  # the plateau schedule reads it"
                : "        setup.epoch_end()",
            "",
            "The model may be wrapped in DistributedDataParallel or torch.compile (build looks",
            "through them), so the module serves a torchrun job as it serves one process.",
            "setup.state_dict() keys optimizer and schedule state by group and parameter names.",
            "\"\"\"",
            "",
        ]
        var standard = ["collections"]
        if usesMath { standard.append("math") }
        lines += standard.sorted().map { "import " + $0 }
        lines += ["", "import torch"]
        lines += Self.merged(imports.filter { $0.hasPrefix("from torch") }.sorted()).map(Self.wrappedImport)
        return lines.joined(separator: "\n")
    }

    private static func hasPlateau(_ schedule: CheckedSchedule) -> Bool {
        switch schedule {
        case .single(let kind, _, _): return kind == .plateau
        case .sequential(let children, _, _), .chained(let children, _): return children.contains(where: hasPlateau)
        }
    }

    /// The names and shapes the script was checked with: every parameter in a group, and
    /// every name it froze.
    private func parametersSection() -> String {
        var shapes: [String: [Int]] = [:]
        for parameter in script.model.parameters { shapes[parameter.name] = parameter.shape }
        for buffer in script.model.buffers where shapes[buffer.name] == nil { shapes[buffer.name] = buffer.shape }
        var named: [String] = []
        var seen: Set<String> = []
        for group in resolution.groups {
            for name in group.parameters where seen.insert(name).inserted { named.append(name) }
        }
        for name in resolution.frozen where seen.insert(name).inserted { named.append(name) }
        // In the model's order, as the script's reports list them.
        var position: [String: Int] = [:]
        for (index, entry) in script.model.stateDict.enumerated() { position[entry.name] = index }
        named.sort { (position[$0] ?? Int.max, $0) < (position[$1] ?? Int.max, $1) }
        var clip = ["CLIP = None  # the script does not clip gradients"]
        if let train = script.train, let norm = train.clip {
            clip = ["# " + origin(train.range),
                    "CLIP = " + PythonText.float(norm) + "  # the gradients' total 2-norm before each step"]
        }
        var out = ["SCRIPT = " + PythonText.string(scriptName)] + clip + ["",
                   "# The tensors the script was checked with, by state_dict name, with their shapes:",
                   "# build() compares the live model with them.",
                   "PARAMETERS = {"]
        for name in named {
            let shape = shapes[name] ?? []
            out.append("    " + PythonText.string(name) + ": (" + shape.map(String.init).joined(separator: ", ")
                       + (shape.count == 1 ? ",)," : "),"))
        }
        out.append("}")
        out += script.freezes.filter { $0.untilEpoch == nil }.map { "# " + origin($0.range) }
        out += pythonList(resolution.frozen, prefix: "FROZEN = ", indent: "")
        out += frozenUntilLines(["# In their groups, but requires_grad only from this epoch (0-based) on: Setup.epoch_end()",
                                 "# counts the epochs. Until then their .grad stays None and the optimizers skip them."])
        return out.joined(separator: "\n")
    }

    /// The groups as the program writes them (one list per optimizer kind, each dict with
    /// its `name` and own hyperparameters), and the script's order across the kinds.
    private func moduleGroupsSection() -> String {
        var out = ["# Parameter groups in the script's order, parameters by the script's names;",
                   "# a group's own hyperparameters override its optimizer's."]
        for kind in kinds {
            out.append(Self.groupsName(kind) + " = [")
            for group in resolution.groups where group.optimizerKind == kind {
                out.append("    # " + (script.hasNoGroups ? "no 'group' statement: every parameter in the group 'all'"
                                                    : origin(group.range)))
                var entries = ["\"name\": " + PythonText.string(group.name)]
                for setting in group.hyperparameters where ownSetting(setting, kind: kind) {
                    entries.append(PythonText.string(setting.name) + ": " + (PythonText.value(setting.value) ?? "None"))
                }
                let head = "    {" + entries.joined(separator: ", ") + ", \"params\": "
                let line = head + PythonText.stringList(group.parameters) + "},"
                if line.count <= 99 {
                    out.append(line)
                } else if head.count < 99 {
                    out.append(head + "[")
                    out += packed(group.parameters.map(PythonText.string), indent: "        ")
                    out.append("    ]},")
                } else {
                    out.append("    {")
                    out += packed(entries, indent: "        ")
                    out.append("        \"params\": [")
                    out += packed(group.parameters.map(PythonText.string), indent: "            ")
                    out += ["        ],", "    },"]
                }
            }
            out.append("]")
        }
        out.append("ALL_GROUPS = " + kinds.map(Self.groupsName).joined(separator: " + ") + "  # every group, by kind")
        out += pythonList(resolution.groups.map(\.name), prefix: "GROUP_ORDER = ", indent: "")
        return out.joined(separator: "\n")
    }

    /// `build()`: check, freeze, group in the model's order, one optimizer per kind, schedules.
    private func buildSection() -> String {
        let readsRunLength = !runLengthReads.isEmpty
        var out = [
            "def build(model, *, epochs=None, steps_per_epoch=None):",
            "    \"\"\"The script's setup on `model`, after checking its parameters against the script's:",
            "    one ValueError lists every missing, unexpected and mis-shaped name. Freezes what the",
            "    script freezes, puts each group's parameters in the model's order, and returns a",
        ]
        if readsRunLength {
            out += ["    Setup. The schedules read the run length: epochs and steps_per_epoch give what the",
                    "    script leaves open (a ValueError names a missing one), and must agree with what",
                    "    it fixes (run_length).\"\"\"",
                    "    epochs, steps_per_epoch = run_length(epochs, steps_per_epoch)"]
        } else {
            out += ["    Setup. The schedules' run length was fixed when the module was written (by the",
                    "    script, or `lrs export --epochs`): epochs and steps_per_epoch are not needed.\"\"\""]
        }
        if !resolution.frozenUntil.isEmpty {
            // DDP reduces only what required grad when it wrapped the model; parameters that
            // get no gradient for epochs need find_unused_parameters (checked in a torchrun
            // job: without it the second step fails, wrapped after build() they train apart).
            out += [
                "    ddp = torch.nn.parallel.DistributedDataParallel",
                "    if isinstance(model, ddp) and not model.find_unused_parameters:",
                "        raise ValueError(\"FROZEN_UNTIL parameters get no gradient for epochs: wrap the \"",
                "                         \"model in DistributedDataParallel(..., \"",
                "                         \"find_unused_parameters=True) before build()\")",
            ]
        }
        out += [
            "    model = unwrap(model)",
            "    parameters = dict(model.named_parameters(remove_duplicate=False))",
            "    tensors = check(model, parameters)",
            "    for name in FROZEN:",
            "        tensors[name].requires_grad_(False)",
            "    position = {}  # the model's parameter order, as model.parameters() gives it",
            "    for parameter in parameters.values():",
            "        position.setdefault(id(parameter), len(position))",
            "    names = {}  # the script's name of every grouped parameter, by id",
            "",
            "    def groups(spec):",
            "        built = []",
            "        for group in spec:",
            "            params = []",
            "            for name in group[\"params\"]:",
            "                parameter = tensors[name]",
            "                if id(parameter) not in names:  # a tied parameter's names: once",
            "                    names[id(parameter)] = name",
            "                    params.append(parameter)",
            "            params.sort(key=lambda p: position[id(p)])",
            "            built.append({**group, \"params\": params})",
            "        return built",
            "",
            "    optimizers = [",
        ]
        for kind in kinds {
            var call = "torch.optim.\(kind.pytorchName)(groups(\(Self.groupsName(kind)))"
            if kind == script.optimizer.kind {
                for setting in script.optimizer.hyperparameters where !setting.isDefault && takesArgument(setting, kind) {
                    call += ", \(setting.name)=" + (PythonText.value(setting.value) ?? "None")
                }
            }
            if kind == script.optimizer.kind, let range = script.optimizer.range {
                out.append("        # " + origin(range))
            }
            if call.count + 10 <= 99 {
                out.append("        " + call + "),")
            } else if let open = call.firstIndex(of: "(") {
                // The arguments on a continuation line.
                out.append("        " + call[...open])
                out.append("            " + call[call.index(after: open)...] + "),")
            }
        }
        out.append("    ]")
        let lengths = readsOpenRunLength ? ", epochs, steps_per_epoch" : ""
        out.append("    schedules = " + (hasSchedules ? "make_schedules(optimizers\(lengths))" : "[]"))
        if resolution.frozenUntil.isEmpty {
            out.append("    return Setup(optimizers, schedules, names)")
        } else {
            out.append("    frozen_until = [(tensors[name], first) for name, first in FROZEN_UNTIL.items()]")
            out.append("    return UnfreezingSetup(optimizers, schedules, names, frozen_until)")
        }
        return out.joined(separator: "\n")
    }

    /// `NAME = [...]` on one line when it fits in 99 columns, else several names a line.
    private func pythonList(_ items: [String], prefix: String, indent: String) -> [String] {
        let line = indent + prefix + PythonText.stringList(items)
        if line.count <= 99 { return [line] }
        return [indent + prefix + "["] + packed(items.map(PythonText.string), indent: indent + "    ") + [indent + "]"]
    }

    /// Items separated by commas, as many a line as fit in 99 columns.
    private func packed(_ items: [String], indent: String) -> [String] {
        var lines: [String] = []
        var current = indent
        for item in items {
            if current.count > indent.count && current.count + item.count + 2 > 99 {
                lines.append(String(current.dropLast()))
                current = indent
            }
            current += item + ", "
        }
        if current.count > indent.count { lines.append(String(current.dropLast())) }
        return lines
    }
}
