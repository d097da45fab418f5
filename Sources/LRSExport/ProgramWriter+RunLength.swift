import LRSEngine
import LRSLanguage

// The run length of a module's schedules (section 16): `build(model, *, epochs=None,
// steps_per_epoch=None)` takes from its keywords what the script leaves open, and refuses a
// keyword that disagrees with what the script (or `lrs export --epochs`) fixed.
extension ProgramWriter {
    /// One schedule statement reading the run length.
    struct RunLengthRead {
        /// `epochs`, `steps_per_epoch` or `total_steps`.
        let name: String
        /// Whether the script leaves it open, to build()'s keywords.
        let open: Bool
        /// Why build() needs it, for its error: the schedule, its groups and its line.
        let reason: String
    }

    /// The run-length names with no value in the script: Python variables of the module
    /// (none in a program, which refuses what needs them).
    var openRunLength: Set<String> {
        writesModule ? Set(RunLength.names.filter { script.constants[$0] == nil }) : []
    }

    /// Every schedule statement's reads of the run length, in group order, each name once
    /// per statement: `wsd` runs over `total_steps` (`epochs` per epoch); any other schedule
    /// reads the names its text holds.
    var runLengthReads: [RunLengthRead] {
        var reads: [RunLengthRead] = []
        var seen: Set<Int> = []
        for group in resolution.groups {
            for statement in [group.schedule].compactMap({ $0 }) + group.hyperparameterSchedules
            where seen.insert(statement.range.start).inserted {
                let text = script.source.text(of: statement.schedule.range)
                let line = script.source.location(of: statement.schedule.range.start).line
                let groups = statement.groupNames.map { "'\($0)'" }.joined(separator: ", ")
                let owner = "the schedule of group\(statement.groupNames.count == 1 ? "" : "s") \(groups) (line \(line): \(text))"
                // Each name read, with what the reason says after the schedule.
                var names: [(String, String)] = []
                if Self.containsWSD(statement.schedule) {
                    let total = statement.perStep ? "total_steps" : "epochs"
                    names.append((total, "runs over " + total))
                }
                let words = Set(text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
                for name in RunLength.names where words.contains(name) && !names.contains(where: { $0.0 == name }) {
                    names.append((name, "reads " + name))
                }
                // Per step, `epoch` counts steps_per_epoch steps where the data does not tell them.
                if statement.perStep, Self.lambdaReadsEpoch(statement.schedule), openRunLength.contains("steps_per_epoch"),
                   !dataGivesStepsPerEpoch, !names.contains(where: { $0.0 == "steps_per_epoch" }) {
                    names.append(("steps_per_epoch", "reads epoch, counted in steps_per_epoch steps"))
                }
                for (name, said) in names {
                    reads.append(RunLengthRead(name: name, open: openRunLength.contains(name), reason: owner + " " + said))
                }
            }
        }
        return reads
    }

    /// Whether a schedule statement reads a run length that build()'s keywords must give.
    var readsOpenRunLength: Bool { runLengthReads.contains { $0.open } }

    /// Whether the script's data, batch and accumulate give the steps per epoch.
    private var dataGivesStepsPerEpoch: Bool {
        if case .success? = TrainingSampleCount.of(script) { return true }
        return false
    }

    /// Whether a `lambda` or `multiplicative` of the schedule reads `epoch`.
    private static func lambdaReadsEpoch(_ schedule: CheckedSchedule) -> Bool {
        switch schedule {
        case .single(_, let arguments, _):
            guard case .expression(let compiled)? = arguments.first(where: { $0.name == "lr_lambda" })?.value else { return false }
            return compiled.usedVariables.contains("epoch")
        case .sequential(let children, _, _), .chained(let children, _): return children.contains(where: lambdaReadsEpoch)
        }
    }

    private static func containsWSD(_ schedule: CheckedSchedule) -> Bool {
        switch schedule {
        case .single(let kind, _, _): return kind == .wsd
        case .sequential(let children, _, _), .chained(let children, _): return children.contains(where: containsWSD)
        }
    }

    /// `SCRIPT_RUN_LENGTH`, `RUN_LENGTH_NEEDED` and `run_length()`, when a schedule reads
    /// the run length; else nothing (build()'s keywords are then not used).
    func runLengthSection() -> String {
        let reads = runLengthReads
        guard !reads.isEmpty else { return "" }
        var fixed: [String] = []
        var needed: [(String, String)] = []
        for keyword in ["epochs", "steps_per_epoch"] {
            // `total_steps` is their product: a read of it needs both.
            let readers = reads.filter { $0.name == keyword || $0.name == "total_steps" }
            guard let first = readers.first else { continue }
            if let value = script.constants[keyword] {
                fixed.append("\(PythonText.string(keyword)): \(PythonText.number(value))")
            } else {
                needed.append((keyword, first.reason))
            }
        }
        var out = ["# The run length the schedules read (section 16): what the script fixes (or",
                   "# `lrs export --epochs/--steps-per-epoch` did), and why build() needs the rest."]
        out.append("SCRIPT_RUN_LENGTH = {" + fixed.joined(separator: ", ") + "}")
        if needed.isEmpty {
            out.append("RUN_LENGTH_NEEDED = {}")
        } else {
            out.append("RUN_LENGTH_NEEDED = {")
            for (keyword, reason) in needed {
                out.append("    " + PythonText.string(keyword) + ": (")
                out += Self.wrappedString(reason, indent: "        ")
                out.append("    ),")
            }
            out.append("}")
        }
        out += [
            "", "",
            "def run_length(epochs, steps_per_epoch):",
            "    \"\"\"build()'s epochs and steps_per_epoch, settled: one the schedules need must be",
            "    given unless the script fixes it, and one given where the script fixes it must agree.\"\"\"",
            "    given = {\"epochs\": epochs, \"steps_per_epoch\": steps_per_epoch}",
            "    missing = []",
            "    for name, value in given.items():",
            "        whole = isinstance(value, int) and not isinstance(value, bool)",
            "        if value is not None and not (whole and value >= 1):",
            "            raise ValueError(f\"build(model, {name}={value!r}): {name} must be a positive int\")",
            "        if name in SCRIPT_RUN_LENGTH:",
            "            fixed = SCRIPT_RUN_LENGTH[name]",
            "            if value is not None and value != fixed:",
            "                raise ValueError(f\"build(model, {name}={value}): the script's schedules were \"",
            "                                 f\"written for {name}={fixed}\")",
            "            given[name] = fixed",
            "        elif value is None and name in RUN_LENGTH_NEEDED:",
            "            missing.append(name)",
            "    if missing:",
            "        reasons = dict.fromkeys(RUN_LENGTH_NEEDED[name] for name in missing)  # each once",
            "        raise ValueError(f\"build(model) needs {' and '.join(missing)}: \" + \"; \".join(reasons))",
            "    return given[\"epochs\"], given[\"steps_per_epoch\"]",
        ]
        return out.joined(separator: "\n")
    }

    /// A Python string literal cut into adjacent literals of at most 99 columns.
    private static func wrappedString(_ text: String, indent: String) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if !current.isEmpty, PythonText.string(candidate + " ").count + indent.count > 99 {
                lines.append(current + " ")
                current = String(word)
            } else {
                current = candidate
            }
        }
        lines.append(current)
        return lines.map { indent + PythonText.string($0) }
    }
}
