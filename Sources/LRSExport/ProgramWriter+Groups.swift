import LRSEngine
import LRSHyperparameters
import LRSLanguage

// Parameter groups as lists of dicts (one list per optimizer kind), and the optimizers.
extension ProgramWriter {
    /// `ADAM_GROUPS` for `adam`.
    static func groupsName(_ kind: OptimizerKind) -> String { kind.rawValue.uppercased() + "_GROUPS" }

    mutating func groupsSection() -> String {
        var out: [String] = []
        out.append("# Parameter groups in the script's order, parameters by state_dict name;")
        out.append("# a group's own hyperparameters override its optimizer's.")
        for kind in kinds {
            out.append(Self.groupsName(kind) + " = [")
            for group in resolution.groups where group.optimizerKind == kind {
                out.append("    # " + (script.hasNoGroups ? "no 'group' statement: every parameter in the group 'all'"
                                                    : origin(group.range)))
                var entries = ["\"name\": " + PythonText.string(group.name),
                               "\"params\": " + PythonText.stringList(group.parameters)]
                for setting in group.hyperparameters where ownSetting(setting, kind: kind) {
                    entries.append(PythonText.string(setting.name) + ": " + (PythonText.value(setting.value) ?? "None"))
                }
                out += wrapped(entries, indent: "    ", open: "{", close: "},")
            }
            out.append("]")
        }
        if !resolution.frozen.isEmpty {
            let ranges = script.freezes.map { "# " + origin($0.range) }
            out += ranges
            out.append("FROZEN = " + PythonText.stringList(resolution.frozen))
        }
        out += frozenUntilLines(["# In their groups, but requires_grad only from this epoch (0-based) on: until then",
                                 "# their .grad stays None, and the optimizers skip them (no state, no step, no decay)."])
        if kinds.count > 1 {
            out.append("# Every group in the script's order, across the optimizers.")
            out.append("GROUP_ORDER = " + PythonText.stringList(resolution.groups.map(\.name)))
        }
        out += ["", "", "def make_optimizers(model):",
                "    \"\"\"One optimizer per kind, in order of first use, holding its groups in order.\"\"\"",
                "    named = dict(model.named_parameters())", "",
                "    def groups(spec):",
                "        return [{**group, \"params\": [named[name] for name in group[\"params\"]]} for group in spec]",
                "", "    return ["]
        for kind in kinds {
            var call = "torch.optim.\(kind.pytorchName)(groups(\(Self.groupsName(kind)))"
            if kind == script.optimizer.kind {
                for setting in script.optimizer.hyperparameters where !setting.isDefault && takesArgument(setting, kind) {
                    call += ", \(setting.name)=" + (PythonText.value(setting.value) ?? "None")
                }
            }
            call += "),"
            if kind == script.optimizer.kind, let range = script.optimizer.range {
                out.append("        # " + origin(range))
            }
            out.append("        " + call)
        }
        out.append("    ]")
        out += ["", "", "def parameter_groups(optimizers):",
                "    \"\"\"Every parameter group, in the script's order.\"\"\""]
        if kinds.count > 1 {
            out.append("    groups = [group for optimizer in optimizers for group in optimizer.param_groups]")
            out.append("    by_name = {group[\"name\"]: group for group in groups}")
            out.append("    return [by_name[name] for name in GROUP_ORDER]")
        } else {
            out.append("    return [group for optimizer in optimizers for group in optimizer.param_groups]")
        }
        return out.joined(separator: "\n")
    }

    /// Whether a group writes the setting itself (else its optimizer's value or PyTorch's
    /// default applies, which the optimizer's constructor gives).
    func ownSetting(_ setting: HyperparameterSetting, kind: OptimizerKind) -> Bool {
        switch setting.source {
        case .group: return true
        case .optimizer: return kind != script.optimizer.kind
        case .default: return false
        }
    }

    /// Whether the optimizer's constructor takes the setting: AdamW's sets
    /// `decoupled_weight_decay` itself (to true, the only value lrs accepts for it).
    func takesArgument(_ setting: HyperparameterSetting, _ kind: OptimizerKind) -> Bool {
        !(kind == .adamw && setting.name == "decoupled_weight_decay")
    }

    /// `{a, b, c}` on one line when it fits in 99 columns, else one entry per line.
    func wrapped(_ entries: [String], indent: String, open: String, close: String) -> [String] {
        let line = indent + open + entries.joined(separator: ", ") + close
        if line.count <= 99 { return [line] }
        return [indent + open] + entries.map { indent + "    " + $0 + "," } + [indent + close]
    }

    /// `FROZEN_UNTIL`, after the lines of the `freeze ... until epoch` statements and
    /// `explanation` (the program and the module say who switches them on); none without them.
    func frozenUntilLines(_ explanation: [String]) -> [String] {
        guard !resolution.frozenUntil.isEmpty else { return [] }
        let entries = resolution.frozenUntil.map { PythonText.string($0.name) + ": \($0.epoch)" }
        return script.freezes.filter { $0.untilEpoch != nil }.map { "# " + origin($0.range) } + explanation
            + wrapped(entries, indent: "", open: "FROZEN_UNTIL = {", close: "}")
    }
}
