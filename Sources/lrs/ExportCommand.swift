import LRSFiles
import ArgumentParser
import Foundation
import LRSEngine
import LRSExport
import LRSLanguage

/// `lrs export FILE --to pytorch [-o OUT.py] [--ddp]`: the script as one self-contained
/// PyTorch program. Diagnostics on standard error; the program on standard output unless
/// `-o` names a file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the script's setup as an equivalent PyTorch program."
    )

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case pytorch
    }

    @Argument(help: "The script to export.")
    var file: String

    @Option(help: "What to export to.")
    var to: Target

    @Option(name: .customShort("o"), help: ArgumentHelp("Write the program here (default: standard output).", valueName: "OUT.py"))
    var output: String?

    @Flag(help: "A program for torchrun with DistributedDataParallel.")
    var ddp = false

    @Flag(help: "A module with build(model) for your own training code, instead of a program.")
    var module = false

    @Option(help: "The run's epochs, for a module whose schedules use 'epochs' or 'total_steps' (default: the script's).")
    var epochs: Int?

    @Option(help: "Optimizer steps per epoch, for a module whose schedules use them (default: the script's).")
    var stepsPerEpoch: Int?

    @Option(name: .customShort("D"), help: ArgumentHelp("Override a 'let' value.", valueName: "NAME=VALUE"))
    var defines: [String] = []

    @Flag(help: "Colour diagnostics on a terminal.")
    var color = false

    func validate() throws {
        if module && ddp {
            throw ValidationError("--module and --ddp: the module works under torchrun as it is; --ddp is for the program")
        }
        if let epochs, epochs < 0 || epochs > 100_000_000 { throw ValidationError("--epochs must be between 0 and 100000000") }
        if let stepsPerEpoch, stepsPerEpoch < 1 || stepsPerEpoch > 100_000_000 {
            throw ValidationError("--steps-per-epoch must be between 1 and 100000000")
        }
        _ = try overrides()
    }

    func overrides() throws -> [String: Double] { try LetOverrides.valuesOrUsageError(defines) }

    func run() throws {
        try OutputFlags.require("lrs export", [.init(flag: "-o", path: output)])
        guard let source = SourceFile(contentsOf: file) else {
            Terminal.writeError("lrs export: " + SourceFile.cannotRead(file) + "\n")
            throw ExitCode(1)
        }
        let outcome = ScriptExport.run(source, overrides: try overrides(), distributed: ddp, module: module,
                                         runLength: RunLength(epochs: epochs, stepsPerEpoch: stepsPerEpoch),
                                         output: output)
        Terminal.printDiagnostics(outcome.diagnostics, in: source, color: color)
        guard let script = outcome.script, let program = outcome.program else { throw ExitCode(1) }
        guard let output else {
            Terminal.writeOutput(program)
            return
        }
        // The module reads no files: the user's code does.
        if !module, let note = ScriptExport.relocationNote(script, scriptPath: file, output: output) {
            Terminal.writeError(note + "\n")
        }
        do {
            try AtomicFile.write(text: program, to: output)
        } catch {
            // The error names the file and the reason ("cannot write 'x.py': ...").
            Terminal.writeError("lrs export: \(error)\n")
            throw ExitCode(1)
        }
    }
}
