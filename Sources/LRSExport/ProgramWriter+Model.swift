import LRSFiles
import Foundation
import LRSEngine
import LRSLanguage

// The program's opening: docstring, imports, constants, and the model.
extension ProgramWriter {
    func header() -> String {
        let trains = script.train != nil && script.data != nil
        let usage = "python \(options.programName)" + (trains ? " [--epochs N] [--trace FILE.jsonl]" : "")
        let run = options.distributed ? "torchrun --nproc_per_node=N " + usage.dropFirst("python ".count) : usage
        var lines = ["#!/usr/bin/env python3", "\"\"\"\(scriptName) as a PyTorch program, written by `lrs export`.", ""]
        if trains {
            lines.append("The model, parameter groups, optimizers, schedules, data and training loop are the")
            lines.append("script's: this program trains as `lrs run \(scriptName)` does.")
        } else {
            lines.append("The script does not train: this program builds its model, parameter groups,")
            lines.append("optimizers and schedules, and prints the groups with their starting rates.")
        }
        if options.distributed {
            lines.append("It runs under torchrun with DistributedDataParallel (gloo on CPU, nccl with CUDA):")
            lines.append("each process trains on its share of every batch, losses are averaged across")
            lines.append("processes, and only the first process writes files. With one process it trains")
            lines.append("exactly as the plain export does.")
        }
        lines += ["", "    " + run, "\"\"\""]
        var standard = ["argparse"]
        if namesFiles || options.distributed { standard.append("os") }
        var third: [String] = []
        var froms: [String] = []
        for module in imports.sorted() {
            if module.hasPrefix("from ") { froms.append(module) } else if ["numpy"].contains(module) {
                third.append("import numpy as np")
            } else { standard.append(module) }
        }
        if usesMath { standard.append("math") }
        let stdlib = Set(standard).sorted().map { "import " + $0 }
        let fromStd = froms.filter { $0.hasPrefix("from collections") }
        let fromTorch = Self.merged(froms.filter { !$0.hasPrefix("from collections") }).map(Self.wrappedImport)
        var blocks = [(stdlib + fromStd).joined(separator: "\n")]
        blocks.append((third + ["import torch"] + fromTorch).joined(separator: "\n"))
        return lines.joined(separator: "\n") + "\n\n" + blocks.joined(separator: "\n\n")
    }

    /// `from M import A` and `from M import B` as `from M import A, B`, modules sorted.
    static func merged(_ lines: [String]) -> [String] {
        var names: [String: [String]] = [:]
        for line in lines {
            guard let range = line.range(of: " import ") else { continue }
            let module = String(line[..<range.lowerBound])
            for name in line[range.upperBound...].split(separator: ",") {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                if !(names[module] ?? []).contains(trimmed) { names[module, default: []].append(trimmed) }
            }
        }
        return names.keys.sorted().map { $0 + " import " + (names[$0] ?? []).sorted().joined(separator: ", ") }
    }

    /// `from M import A, B, C` within 99 columns: parenthesised, one continuation line per fit.
    static func wrappedImport(_ line: String) -> String {
        guard line.count > 99, let range = line.range(of: " import ") else { return line }
        let names = line[range.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var lines = [String(line[..<range.upperBound]) + "("]
        var current = "   "
        for name in names {
            if current.count + name.count + 2 > 99 {
                lines.append(current)
                current = "   "
            }
            current += " " + name + ","
        }
        lines.append(current)
        return lines.joined(separator: "\n") + "\n)"
    }

    func constantsSection() -> String {
        var lines = namesFiles ? ["HERE = os.path.dirname(os.path.abspath(__file__))"] : []
        lines.append("SEED = \(script.seed ?? 0)")
        // Synthetic and CSV samples take the model's input shape; npy files carry theirs,
        // unless their rows are flattened samples.
        let shapesData = script.statements.contains { statement in
            switch statement {
            case .data(let source), .validate(let source):
                return source.kind == .synthetic || source.kind == .csv || (source.kind == .npy && npyRowsTakeInputShape)
            default: return false
            }
        }
        if shapesData, script.train != nil, let shape = script.model.inputShape {
            lines.append("INPUT_SHAPE = (" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")"))
        }
        if let train = script.train {
            lines.append("EPOCHS = \(train.epochs)")
            lines.append("BATCH_SIZE = \(train.batch)")
            lines.append("SHUFFLE = \(PythonText.bool(train.shuffle))")
            if train.accumulate > 1 { lines.append("ACCUMULATE = \(train.accumulate)") }
            if let clip = train.clip { lines.append("CLIP = " + PythonText.number(clip)) }
        }
        if namesFiles {
            lines += ["", "", "def path(name):",
                      "    \"\"\"A file named in the script: relative paths are relative to this program.\"\"\"",
                      "    return os.path.join(HERE, name)"]
        }
        return lines.joined(separator: "\n")
    }

    /// Whether the script reads or writes a file (`init`, `data`, `validate`, `save`, `checkpoint`).
    var namesFiles: Bool {
        script.statements.contains { statement in
            switch statement {
            case .initFile, .save, .checkpoint: return true
            case .data(let source), .validate(let source): return !source.files.isEmpty
            default: return false
            }
        }
    }

    mutating func modelSection() throws(ExportRefusal) -> String {
        imports.insert("from torch import nn")
        imports.insert("from collections import OrderedDict")
        return try ModelModules.text(modelItems)
    }

    /// Whether the model outputs a sequence per sample (logits [B, T, V] for targets [B, T]):
    /// cross_entropy and accuracy then run over all positions (section 12).
    var sequenceOutput: Bool { script.model.layers.last?.outputShape?.count == 2 }

    /// The class axis of the logits, for accuracy: the last one of [B, T, V].
    var classAxis: String { sequenceOutput ? "-1" : "1" }

    /// Whether the model starts with an `embedding`: its inputs are integer ids.
    var takesIds: Bool { script.model.takesTokenIds }

    /// npy rows of flattened samples ([N, 64] for `input 1 8 8`) are read in the input's
    /// shape, as lrs reads them.
    var npyRowsTakeInputShape: Bool { (script.model.inputShape?.count ?? 0) > 1 }

    /// The model's top-level items, for `ModelModules`.
    var modelItems: [ModelModules.Item] {
        script.model.layers.map { ModelModules.Item(name: $0.name, spec: $0.spec, inputShape: $0.inputShape, range: $0.range) }
    }
}
