import LRSFiles
import Foundation
import LRSLanguage
import LRSRuntime

/// The text of `show WHAT` (scripts and the REPL alike).
public enum ShowText {
    public static func render(_ show: CheckedShow, state: TrainingState) -> String {
        switch show.what {
        case "model": return model(state)
        case "groups": return GroupReport.text(state.script, state.resolution)
        case "lr": return rates(state)
        case "param": return parameter(show.argument ?? "", state: state, gradient: false)
        case "grad": return parameter(show.argument ?? "", state: state, gradient: true)
        case "state": return optimizerState(group: show.argument ?? "", state: state)
        default: return "cannot show '\(show.what)'\n"
        }
    }

    /// Layers with their output shapes and parameter counts.
    public static func model(_ state: TrainingState) -> String {
        let model = state.script.model
        if let file = model.file {
            // No layers in lrs: the checkpoint's tensors, in its order.
            var rows: [[String]] = [["tensor", "shape", "elements"]]
            for entry in model.stateDict {
                switch entry {
                case .parameter(let p): rows.append([p.name, ShapeText.text(p.shape), "\(p.count)"])
                case .buffer(let b): rows.append([b.name, ShapeText.text(b.shape), "buffer"])
                }
            }
            return "model from '\(file.file.written)'\n" + table(rows) + "total parameters: \(model.parameterCount)\n"
        }
        let input = model.inputShape.map(ShapeText.text) ?? "?"
        return "input \(input)\n" + table([["layer", "kind", "output", "parameters"]] + treeRows(model))
            + "total parameters: \(model.parameterCount)\n"
    }

    /// The model as an indented tree (section 12), one row per item with its own name,
    /// kind, output shape and parameter count; a `repeat`'s first copy is shown item by
    /// item and the others in one row. A flat model is one row per layer.
    static func treeRows(_ model: CheckedModel) -> [[String]] {
        var rows: [[String]] = []
        var skipBelow: Int?
        let items = model.items
        for (index, item) in items.enumerated() {
            if let depth = skipBelow {
                if item.depth > depth { continue }
                skipBelow = nil
            }
            let indent = String(repeating: "  ", count: item.depth)
            let own = item.name.split(separator: ".").last.map(String.init) ?? item.name
            let shape = item.outputShape.map(ShapeText.text) ?? "?"
            func count(_ n: Int) -> String { n > 0 ? "\(n)" : "" }
            if case .repeat(let copies) = item.kind, copies > 1, index + 1 < items.count {
                rows.append([indent + own, item.kind.word, shape, count(item.parameterCount)])
                // The first copy in full, then the others at once.
                let first = items[index + 1]
                var end = index + 2
                while end < items.count, items[end].depth > first.depth { end += 1 }
                rows += treeRows(Array(items[index + 1 ..< end]), model: model)
                rows.append([indent + "  " + (copies == 2 ? "1" : "1.." + String(copies - 1)), "\(copies - 1) more like 0", shape,
                             count(first.parameterCount * (copies - 1))])
                skipBelow = item.depth
                continue
            }
            rows.append([indent + own, item.kind.word + (item.flattensInput ? " (flattens)" : ""), shape,
                         count(item.parameterCount)])
        }
        return rows
    }

    private static func treeRows(_ items: [CheckedItem], model: CheckedModel) -> [[String]] {
        var copy = model
        copy.items = items
        return treeRows(copy)
    }

    public static func rates(_ state: TrainingState) -> String {
        let rows = [["group", "lr"]] + state.rates.map { [$0.group, "\($0.lr)"] }
        return "epoch \(state.epoch), step \(state.step)\n" + table(rows)
    }

    static func parameter(_ name: String, state: TrainingState, gradient: Bool) -> String {
        guard let p = state.model.parameters.first(where: { $0.name == name })?.parameter else {
            return "no parameter is named '\(name)'\n"
        }
        let t = gradient ? p.grad : p.value
        let v = t.values
        let n = Double(max(v.count, 1))
        let mean = v.reduce(0.0) { $0 + Double($1) } / n
        let variance = v.count > 1 ? v.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / (n - 1) : 0
        let norm = v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let head = v.prefix(8).map { String(format: "%.6g", Double($0)) }.joined(separator: " ")
        return "\(gradient ? "grad of " : "")\(name) shape \(ShapeText.text(t.shape))"
            + (p.requiresGrad ? "" : frozenNote(name, state)) + "\n"
            + String(format: "  mean %.6g  std %.6g  min %.6g  max %.6g  norm %.6g\n", mean, variance.squareRoot(),
                     Double(v.min() ?? 0), Double(v.max() ?? 0), norm)
            + "  values \(head)\(v.count > 8 ? " ..." : "")\n"
    }

    /// " (frozen)", or until when for a parameter frozen until an epoch (section 15).
    private static func frozenNote(_ name: String, _ state: TrainingState) -> String {
        let first = state.resolution.firstTrainedEpoch(of: name)
        return first > state.epoch ? " (frozen until epoch \(first))" : " (frozen)"
    }

    static func optimizerState(group name: String, state: TrainingState) -> String {
        guard let index = state.resolution.groups.firstIndex(where: { $0.name == name }) else {
            return "no group is named '\(name)'\n"
        }
        let group = state.resolution.groups[index]
        let file = Checkpoint.file(of: state)
        let c = state.config(of: index)
        var out = "group \(name): \(group.optimizerKind.rawValue), lr \(c.learningRate)\n"
        var any = false
        for parameter in group.parameters {
            for key in file.names where key.hasPrefix("optimizer.\(parameter).") {
                guard let t = file[key] else { continue }
                any = true
                let values = t.doubles
                let label = String(key.dropFirst("optimizer.".count))
                if t.shape.isEmpty {
                    out += "  \(label) = \(values.first ?? 0)\n"
                } else {
                    let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    out += "  \(label) shape \(ShapeText.text(t.shape)) norm \(String(format: "%.6g", norm))\n"
                }
            }
        }
        if !any { out += "  no state yet (it is created at the first optimizer step)\n" }
        return out
    }

    static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        let widths = first.indices.map { i in rows.map { i < $0.count ? $0[i].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { i, c in c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n") + "\n"
    }
}
