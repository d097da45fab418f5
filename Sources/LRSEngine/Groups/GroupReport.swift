import LRSFiles
import LRSHyperparameters
import LRSLanguage

/// The resolved groups as `lrs check` prints them: per group its name, optimizer kind,
/// parameters with shapes and element counts, every hyperparameter (defaults marked) and
/// its schedule. Pure functions from values to text, so tests can pin the output.
public enum GroupReport {
    /// The human-readable report, after `heading`.
    public static func text(_ script: CheckedScript, _ resolution: GroupResolution, heading: String = "") -> String {
        var out = heading
        // A generated script's report runs to megabytes: one allocation, not a doubling series.
        out.reserveCapacity(heading.utf8.count + 128 + resolution.groups.count * 320
                            + script.model.parameters.count * 48)
        let model = script.model
        if let input = model.inputShape {
            out += "input \(ShapeText.text(input))\(model.inputWasInferred ? " (inferred)" : "")"
            if let output = model.outputShape { out += " -> output \(ShapeText.text(output))" }
            out += "; \(model.parameters.count) parameters, \(model.parameterCount) elements\n"
        }
        if let file = model.file {
            out += "model from '\(file.file.written)': \(model.parameters.count) parameters, \(model.parameterCount) elements"
            out += model.buffers.isEmpty ? "\n" : "; \(model.buffers.count) buffers, not trained\n"
        }
        // Each parameter's shape as text, once: thousands of groups list the same few.
        var shapes = ParameterShapes(model)
        // The padded names of the hyperparameter rows, made again only when a group lists
        // other names than the group before it (groups of one kind list the same).
        var rows = HyperparameterRows()
        for group in resolution.groups {
            append(group, shapes: &shapes, source: script.source, rows: &rows, to: &out)
        }
        if !resolution.frozen.isEmpty {
            out += "\nfrozen: \(resolution.frozen.joined(separator: " "))\n"
        }
        // One line per epoch, in the order of first appearance (model order).
        var epochs: [Int] = []
        for entry in resolution.frozenUntil where !epochs.contains(entry.epoch) { epochs.append(entry.epoch) }
        for epoch in epochs {
            let names = resolution.frozenUntil.filter { $0.epoch == epoch }.map(\.name)
            let before = epoch == 1 ? "epoch 0" : "epochs 0 to \(epoch - 1)"
            out += "\nfrozen until epoch \(epoch) (no gradient and no update in \(before)): "
                + names.joined(separator: " ") + "\n"
        }
        return out
    }

    /// One group's block. Its rows are written into `out` piece by piece: a report of a
    /// generated script runs to tens of thousands of rows, and an interpolated row would
    /// first build (and then free) a string of its own.
    private static func append(_ group: ResolvedGroup, shapes: inout ParameterShapes,
                               source: SourceFile, rows hyperparameterRows: inout HyperparameterRows,
                               to out: inout String) {
        let count = group.positions.count
        out += "\ngroup \(group.name) (\(group.optimizerKind.rawValue)): \(count) parameter\(count == 1 ? "" : "s"), "
        out += "\(group.elementCount) elements\n"
        let rows = NameRuns.rows(group, shape: { shapes.shape(at: group.positions[$0]) }, text: { shapes.text($0) })
        let width = rows.reduce(0) { Swift.max($0, $1.name.count) }
        let shapeWidth = rows.reduce(0) { Swift.max($0, $1.shape.count) }
        for row in rows {
            out += "  "
            out.append(row.name, paddedTo: width)
            out += "  "
            out.append(row.shape, paddedTo: shapeWidth)
            out += "  "
            // A summarised row: how many parameters, and each one's elements.
            if row.members > 1 { out += "\(row.members) x " }
            out += String(row.count)
            out += "\n"
        }
        hyperparameterRows.start(group)
        for (index, setting) in group.hyperparameters.enumerated() {
            if setting.isDefault {
                out += hyperparameterRows.defaultLine(index, setting)
                continue
            }
            out += hyperparameterRows.prefixes[index]
            if case .number(let x) = setting.value {
                out += hyperparameterRows.numberText(index, x, setting.value)
            } else if case .numbers(let list) = setting.value {
                out += hyperparameterRows.listText(index, list, setting.value)
            } else {
                out += setting.value.text
            }
            out += "\n"
        }
        if let schedule = group.schedule {
            out += "  schedule  "
            out += source.text(of: schedule.schedule.range)
            out += schedule.perStep ? " (per step)\n" : " (per epoch)\n"
        } else {
            out += "  schedule  none\n"
        }
        for statement in group.hyperparameterSchedules {
            out += "  schedule \(statement.hyperparameter.rawValue)  "
            out += source.text(of: statement.schedule.range)
            out += statement.perStep ? " (per step)\n" : " (per epoch)\n"
        }
    }

    /// The same data as JSON for tools (one object; keys in a fixed order).
    public static func json(_ script: CheckedScript?, _ resolution: GroupResolution?, file: String,
                            diagnostics: [Diagnostic]) -> String {
        var out = "{\"file\": \(JSON.string(file)), \"ok\": \(!diagnostics.hasErrors)"
        out += ", \"diagnostics\": [" + diagnostics.map { diagnostic(json: $0, source: script?.source) }.joined(separator: ", ") + "]"
        if let script, let resolution {
            let model = script.model
            out += ", \"input\": " + (model.inputShape.map { JSON.ints($0) } ?? "null")
            out += ", \"input_inferred\": \(model.inputWasInferred)"
            out += ", \"groups\": ["
            out += resolution.groups.map { group in
                var g = "{\"name\": \(JSON.string(group.name)), \"optimizer\": \(JSON.string(group.optimizerKind.rawValue))"
                if !group.captures.isEmpty {
                    g += ", \"captures\": {" + group.captures.map { capture in
                        "\(JSON.string(capture.name)): \(capture.value.map(String.init) ?? "null")"
                    }.joined(separator: ", ") + "}"
                }
                g += ", \"parameters\": [" + zip(group.parameters, group.positions).map { name, position in
                    let info = model.parameters[position]
                    return "{\"name\": \(JSON.string(name)), \"shape\": \(JSON.ints(info.shape)), \"numel\": \(info.count)}"
                }.joined(separator: ", ") + "]"
                g += ", \"hyperparameters\": {" + group.hyperparameters.map { setting in
                    "\(JSON.string(setting.name)): {\"value\": \(JSON.value(setting.value)), \"default\": \(setting.isDefault)}"
                }.joined(separator: ", ") + "}"
                if let schedule = group.schedule {
                    g += ", \"schedule\": {\"text\": \(JSON.string(script.source.text(of: schedule.schedule.range)))"
                    g += ", \"per\": \"\(schedule.perStep ? "step" : "epoch")\"}"
                } else {
                    g += ", \"schedule\": null"
                }
                // Only when there are some: the report of a script without them is unchanged.
                for statement in group.hyperparameterSchedules {
                    g += ", \(JSON.string(statement.hyperparameter.rawValue + "_schedule")): {\"text\": "
                        + "\(JSON.string(script.source.text(of: statement.schedule.range)))"
                        + ", \"per\": \"\(statement.perStep ? "step" : "epoch")\"}"
                }
                return g + "}"
            }.joined(separator: ", ")
            out += "], \"frozen\": [" + resolution.frozen.map(JSON.string).joined(separator: ", ") + "]"
            // Only when there are some: the report of a script without them is unchanged.
            if !resolution.frozenUntil.isEmpty {
                out += ", \"frozen_until\": {" + resolution.frozenUntil.map { "\(JSON.string($0.name)): \($0.epoch)" }
                    .joined(separator: ", ") + "}"
            }
            // A checkpoint's buffers (section 13), apart from what the script froze.
            if let file = model.file {
                out += ", \"model_file\": \(JSON.string(file.file.written))"
                out += ", \"buffers\": [" + model.buffers.map {
                    "{\"name\": \(JSON.string($0.name)), \"shape\": \(JSON.ints($0.shape))}"
                }.joined(separator: ", ") + "]"
            }
        }
        return out + "}"
    }

    static func diagnostic(json d: Diagnostic, source: SourceFile?) -> String {
        var out = "{\"severity\": \"\(d.severity.rawValue)\", \"message\": \(JSON.string(d.message))"
        if let range = d.range, let source {
            let start = source.location(of: range.start)
            let end = source.location(of: range.end)
            out += ", \"line\": \(start.line), \"column\": \(start.column), \"end_line\": \(end.line), \"end_column\": \(end.column)"
        }
        return out + "}"
    }
}

/// Hyperparameter values as JSON.
extension JSON {
    static func value(_ value: ArgumentValue) -> String {
        switch value {
        case .number(let x): return number(x)
        case .integer(let n): return String(n)
        case .integers(let list): return ints(list)
        case .numbers(let list): return "[" + list.map(number).joined(separator: ", ") + "]"
        case .optionalNumbers(let list): return "[" + list.map { $0.map(number) ?? "null" }.joined(separator: ", ") + "]"
        case .bool(let b): return b ? "true" : "false"
        case .symbol(let s), .string(let s): return string(s)
        case .expression(let e): return e.constantValue.map(number) ?? "null"
        case .unset: return "null"
        }
    }
}

/// The start of each hyperparameter row of a group (`  NAME` padded to the longest name, then
/// two spaces), and the whole row of a default value, kept for the groups after it of the
/// same kind (which list the same names, and the same defaults).
private struct HyperparameterRows {
    var kind: OptimizerKind?
    var names: [String] = []
    var prefixes: [String] = []
    var defaultLines: [String?] = []
    var lastLists: [(list: [Double], text: String)?] = []
    /// Per row, the last few numbers written and their texts (most recent last).
    var lastNumbers: [[(bits: UInt64, text: String)]] = []
    static let numbersKept = 4

    mutating func start(_ group: ResolvedGroup) {
        let settings = group.hyperparameters
        guard kind != group.optimizerKind || names.count != settings.count
                || !zip(names, settings).allSatisfy({ $0 == $1.name }) else { return }
        let width = settings.reduce(0) { Swift.max($0, $1.name.count) }
        kind = group.optimizerKind
        names = settings.map(\.name)
        prefixes = names.map { name in
            var line = "  "
            line.append(name, paddedTo: width)
            return line + "  "
        }
        defaultLines = Array(repeating: nil, count: names.count)
        lastLists = Array(repeating: nil, count: names.count)
        lastNumbers = Array(repeating: [], count: names.count)
    }

    /// The text of a number, kept per row with the row's last few: thousands of groups show
    /// the same few values (a decay group's 0.05 beside a no-decay group's 0). Not a
    /// dictionary keyed by the numbers: its first use costs a scan of every protocol
    /// conformance in the binary (for the key's `Hashable`), tens of microseconds of a check.
    mutating func numberText(_ index: Int, _ x: Double, _ value: ArgumentValue) -> String {
        // Bit for bit: -0.0 equals 0.0 but is written otherwise.
        if let known = lastNumbers[index].last(where: { $0.bits == x.bitPattern }) { return known.text }
        let text = value.text
        if lastNumbers[index].count == Self.numbersKept { lastNumbers[index].removeFirst() }
        lastNumbers[index].append((x.bitPattern, text))
        return text
    }

    /// The text of a list of numbers, kept per row: most groups repeat the `betas` before.
    mutating func listText(_ index: Int, _ list: [Double], _ value: ArgumentValue) -> String {
        // Bit for bit: -0.0 equals 0.0 but is written otherwise.
        if let last = lastLists[index], last.list.elementsEqual(list, by: { $0.bitPattern == $1.bitPattern }) {
            return last.text
        }
        let text = value.text
        lastLists[index] = (list, text)
        return text
    }

    /// The row of a setting that holds its kind's default.
    mutating func defaultLine(_ index: Int, _ setting: HyperparameterSetting) -> String {
        if let line = defaultLines[index] { return line }
        let line = prefixes[index] + setting.value.text + "  (default)\n"
        defaultLines[index] = line
        return line
    }
}

private extension String {
    /// Appends `text`, then spaces up to `width` characters: a column of the report.
    mutating func append(_ text: String, paddedTo width: Int) {
        self += text
        let padding = width - text.count
        appendSpaces(padding)
    }
}
