import Foundation
import LRSEngine
import LRSLanguage

/// What `lrs export` does with one script, phase by phase: check it and resolve its groups
/// (with the values the exported program starts from), then write the program. The command
/// line prints the outcome and writes the file.
public enum ScriptExport {
    public struct Outcome {
        /// The checker's and the resolver's diagnostics, then the refusal, if any.
        public let diagnostics: [Diagnostic]
        /// The checked script, when it has no errors.
        public let script: CheckedScript?
        /// The program's text; nil when there were errors or the export was refused.
        public let program: String?
    }

    /// Checks and exports `source`; `output` is the file the program goes to (nil: standard
    /// output), which names it inside the program. `module` writes the `build(model)` module
    /// of section 16 instead of a program.
    public static func run(_ source: SourceFile, overrides: [String: Double] = [:], distributed: Bool,
                           module: Bool = false, runLength: RunLength = RunLength(), output: String?) -> Outcome {
        let checked = PyTorchExport.check(source, overrides: overrides, runLength: runLength)
        guard let script = checked.script, let resolution = checked.resolution, !checked.diagnostics.hasErrors else {
            return Outcome(diagnostics: checked.diagnostics, script: nil, program: nil)
        }
        let options = PyTorchExport.Options(distributed: distributed,
                                            programName: programName(script: source.path, output: output))
        do throws(ExportRefusal) {
            // A model from a checkpoint has no architecture to write: its export is the module
            // (with --ddp, which asks for a program, the program's refusal says so).
            let asModule = module || (script.model.file != nil && !distributed)
            if !asModule, runLength != RunLength() { throw ExportRefusal(.runLengthForProgram, at: nil) }
            let program = asModule ? try PyTorchExport.module(script, resolution, options: options)
                : try PyTorchExport.program(script, resolution, options: options)
            return Outcome(diagnostics: checked.diagnostics, script: script, program: program)
        } catch {
            return Outcome(diagnostics: checked.diagnostics + [error.diagnostic], script: script, program: nil)
        }
    }

    /// The program's file name: the output's, else the script's with `.py`.
    static func programName(script: String, output: String?) -> String {
        output.map { URL(fileURLWithPath: $0).lastPathComponent }
            ?? URL(fileURLWithPath: script).deletingPathExtension().lastPathComponent + ".py"
    }

    /// A note when the program goes to another directory than the script's and the script
    /// names files by relative paths, which the program resolves against its own directory.
    public static func relocationNote(_ script: CheckedScript, scriptPath: String, output: String) -> String? {
        let here = URL(fileURLWithPath: output).deletingLastPathComponent().standardizedFileURL.path
        let there = URL(fileURLWithPath: scriptPath).deletingLastPathComponent().standardizedFileURL.path
        let files = relativeFiles(script)
        guard here != there, !files.isEmpty else { return nil }
        return "note: the program finds \(files.joined(separator: ", ")) beside itself, in '\(here)'; "
            + "the script's are in '\(there)'"
    }

    /// The relative paths the script names, quoted.
    static func relativeFiles(_ script: CheckedScript) -> [String] {
        var files: [CheckedFile] = []
        for statement in script.statements {
            switch statement {
            case .initFile(let file), .save(let file), .checkpoint(_, let file): files.append(file)
            case .data(let source), .validate(let source): files += source.files
            default: continue
            }
        }
        return files.map(\.written).filter { !$0.hasPrefix("/") }.map { "'\($0)'" }
    }
}
