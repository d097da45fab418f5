import LRSFiles
import ArgumentParser
import Foundation
import LRSEngine
import LRSLanguage

/// `lrs schedule FILE`: every group's learning rate for every step, without training.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Show every group's learning rate over the run, without training."
    )

    @Argument(help: "The script.")
    var file: String

    @Option(help: "Epochs to show (default: the script's 'train epochs').")
    var epochs: Int?

    @Option(help: "Optimizer steps per epoch (default: as 'lrs run' takes them, from the script's data and batch size; else 1).")
    var stepsPerEpoch: Int?

    @Option(help: "table, csv, json or svg.")
    var format: ScheduleReport.Format = .table

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    @Flag(help: "Every row of the table, not a summary of long runs.")
    var all = false

    @Flag(help: "A logarithmic rate axis (svg).")
    var log = false

    @Option(help: "The hyperparameter to show: lr, weight_decay or momentum (momentum, or betas[0] for Adam-like kinds).")
    var param: ScheduledHyperparameter = .learningRate

    @Option(name: .customShort("D"), help: ArgumentHelp("Override a 'let' value.", valueName: "NAME=VALUE"))
    var defines: [String] = []

    func validate() throws {
        if let epochs, epochs < 0 || epochs > 100_000_000 { throw ValidationError("--epochs must be between 0 and 100000000") }
        if let stepsPerEpoch, stepsPerEpoch < 1 || stepsPerEpoch > 100_000_000 { throw ValidationError("--steps-per-epoch must be between 1 and 100000000") }
        _ = try LetOverrides.valuesOrUsageError(defines)
    }

    func run() throws {
        try OutputFlags.require("lrs schedule", [.init(flag: "--output", path: output)])
        guard let source = SourceFile(contentsOf: file) else {
            Terminal.writeError("lrs schedule: " + SourceFile.cannotRead(file) + "\n")
            throw ExitCode(1)
        }
        let outcome = SchedulePreview.run(source, overrides: try LetOverrides.valuesOrUsageError(defines),
                                          epochs: epochs, stepsPerEpoch: stepsPerEpoch, parameter: param)
        Terminal.printDiagnostics(outcome.diagnostics, in: source)
        guard let table = outcome.table else { throw ExitCode(1) }
        let width = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80
        let options = ScheduleReport.Options(all: all, width: max(40, width), logScale: log,
                                             title: URL(fileURLWithPath: file).lastPathComponent, parameter: param.rawValue)
        if format == .csv, output == nil {
            // A million rows stream out in chunks rather than one 30 MB buffer.
            ScheduleReport.csv(table, parameter: param.rawValue) { Terminal.writeOutput($0) }
            return
        }
        let bytes = ScheduleReport.render(table, format: format, options: options)
        if let output {
            do { try AtomicFile.write(bytes, to: output) } catch {
                Terminal.writeError("lrs schedule: \(error)\n")
                throw ExitCode(1)
            }
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

extension ScheduleReport.Format: ExpressibleByArgument {}

/// `--param lr|weight_decay|momentum`.
extension ScheduledHyperparameter: ExpressibleByArgument {}
