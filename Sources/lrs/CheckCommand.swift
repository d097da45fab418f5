import ArgumentParser
import Foundation
import LRSEngine
import LRSLanguage

/// `lrs check FILE...`: syntax, names, shapes and groups; prints the resolved groups;
/// runs nothing. Diagnostics on standard error, the report on standard output.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check scripts and show their resolved parameter groups; runs nothing."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The scripts to check.")
    var files: [String]

    @Option(name: .customShort("D"), help: ArgumentHelp("Override a 'let' value.", valueName: "NAME=VALUE"))
    var defines: [String] = []

    @Option(help: "Output format of the group report.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Say which group took a parameter and why.", valueName: "PARAM"))
    var explain: String?

    @Flag(help: "Colour diagnostics on a terminal.")
    var color = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("no script given") }
        _ = try overrides()
    }

    func overrides() throws -> [String: Double] { try LetOverrides.valuesOrUsageError(defines) }

    func run() throws {
        let overrides = try overrides()
        var failed = false
        var reports: [String] = []
        for path in files {
            guard let source = SourceFile(contentsOf: path) else {
                Terminal.writeError("lrs check: " + SourceFile.cannotRead(path) + "\n")
                failed = true
                continue
            }
            let outcome = CheckPipeline.run(source, overrides: overrides).checkingOutputs()
            Terminal.printDiagnostics(outcome.diagnostics, in: source, color: color)
            failed = failed || outcome.diagnostics.hasErrors
            if let explain {
                guard let script = outcome.script, let resolution = outcome.resolution else { continue }
                guard let lines = GroupExplanation.explain(explain, in: script, resolution,
                                                           initialValues: outcome.initialValues) else {
                    let names = script.model.parameters.map(\.name)
                    let near = nearestNames(to: explain, in: names)
                    throw ValidationError(DiagnosticCondition.unknownParameter(explain, suggestions: []).message
                                          + " in '\(path)'" + (near.isEmpty ? "; it has " + quotedNames(names) : didYouMeanPhrase(near)))
                }
                reports.append(lines.joined(separator: "\n") + "\n")
                continue
            }
            switch format {
            case .text:
                if let script = outcome.script, let resolution = outcome.resolution, !outcome.diagnostics.hasErrors {
                    let header = files.count > 1 ? "==> \(path) <==\n" : ""
                    reports.append(header + GroupReport.text(script, resolution))
                }
            case .json:
                reports.append(GroupReport.json(outcome.script, outcome.resolution, file: path,
                                                diagnostics: outcome.diagnostics))
            }
        }
        switch format {
        case .text where explain == nil: Terminal.writeOutput(reports.joined(separator: "\n"))
        case .json where explain == nil: Terminal.writeOutput("[" + reports.joined(separator: ",\n") + "]\n")
        default: Terminal.writeOutput(reports.joined(separator: "\n"))
        }
        if failed { throw ExitCode(1) }
    }
}
