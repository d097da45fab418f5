import LRSLanguage

/// The resolved groups as `lrs check` prints them: per group its name, optimizer kind,
/// parameters with shapes and element counts, every hyperparameter (defaults marked) and
/// its schedule. Pure functions from values to text, so tests can pin the output.
public enum GroupReport {
    /// The human-readable report.
    public static func text(_ script: CheckedScript, _ resolution: GroupResolution) -> String {
        var out = ""
        let model = script.model
        if let input = model.inputShape {
            out += "input \(describe(input))\(model.inputWasInferred ? " (inferred)" : "")"
            if let output = model.outputShape { out += " -> output \(describe(output))" }
            out += "; \(model.parameters.count) parameters, \(model.parameterCount) elements\n"
        }
        let shapes = Dictionary(model.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for group in resolution.groups {
            out += "\ngroup \(group.name) (\(group.optimizerKind)): \(group.parameters.count) parameter"
            out += "\(group.parameters.count == 1 ? "" : "s"), \(group.elementCount) elements\n"
            let width = group.parameters.map(\.count).max() ?? 0
            let shapeTexts = group.parameters.map { shapes[$0].map { describe($0.shape) } ?? "?" }
            let shapeWidth = shapeTexts.map(\.count).max() ?? 0
            for (name, shape) in zip(group.parameters, shapeTexts) {
                let pad = String(repeating: " ", count: width - name.count)
                let shapePad = String(repeating: " ", count: shapeWidth - shape.count)
                out += "  \(name)\(pad)  \(shape)\(shapePad)  \(shapes[name]?.count ?? 0)\n"
            }
            let hpWidth = group.hyperparameters.map(\.name.count).max() ?? 0
            for setting in group.hyperparameters {
                let pad = String(repeating: " ", count: hpWidth - setting.name.count)
                out += "  \(setting.name)\(pad)  \(setting.value.text)\(setting.isDefault ? "  (default)" : "")\n"
            }
            if let schedule = group.schedule {
                let text = script.source.text(of: schedule.schedule.range)
                out += "  schedule  \(text) (per \(schedule.perStep ? "step" : "epoch"))\n"
            } else {
                out += "  schedule  none\n"
            }
        }
        if !resolution.frozen.isEmpty {
            out += "\nfrozen: \(resolution.frozen.joined(separator: " "))\n"
        }
        return out
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
            let shapes = Dictionary(model.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            out += ", \"groups\": ["
            out += resolution.groups.map { group in
                var g = "{\"name\": \(JSON.string(group.name)), \"optimizer\": \(JSON.string(group.optimizerKind))"
                g += ", \"parameters\": [" + group.parameters.map { name in
                    let info = shapes[name]
                    return "{\"name\": \(JSON.string(name)), \"shape\": \(JSON.ints(info?.shape ?? [])), \"numel\": \(info?.count ?? 0)}"
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
                return g + "}"
            }.joined(separator: ", ")
            out += "], \"frozen\": [" + resolution.frozen.map(JSON.string).joined(separator: ", ") + "]"
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

    static func describe(_ shape: [Int]) -> String {
        shape.isEmpty ? "scalar" : shape.map(String.init).joined(separator: "x")
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
        case .bool(let b): return b ? "true" : "false"
        case .symbol(let s), .string(let s): return string(s)
        case .expression(let e): return e.constantValue.map(number) ?? "null"
        case .unset: return "null"
        }
    }
}
