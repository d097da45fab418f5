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
        try Self.check(files, overrides: try overrides(), format: format, explain: explain, color: color)
    }

    /// The files of `lrs check FILE...` when nothing else is on the command line (no option,
    /// no `-`), else `nil`. Such a command is run without ArgumentParser: its reflection over
    /// every command's options took a millisecond, a quarter of the check of a 700-tensor
    /// checkpoint. Anything else, `--help` included, goes through ArgumentParser as before.
    static func plainFiles(_ arguments: [String]) -> [String]? {
        guard arguments.count > 2, arguments[1] == "check",
              !arguments.dropFirst(2).contains(where: { $0.hasPrefix("-") }) else { return nil }
        return Array(arguments.dropFirst(2))
    }

    static func check(_ files: [String], overrides: [String: Double], format: Format = .text, explain: String? = nil,
                      color: Bool = false) throws {
        AllocatorTuning.forShortCommand()
        var failed = false
        var reports: [String] = []
        for path in files {
            guard let source = SourceFile(contentsOf: path) else {
                Terminal.writeError("lrs check: " + SourceFile.cannotRead(path) + "\n")
                failed = true
                continue
            }
            let outcome = ScriptCheck.run(source, overrides: overrides)
            // Freed by the exit that follows: freeing a big script's trees one by one took
            // 2 ms of a 60 ms check (compilers skip their frees at exit for the same reason).
            ProcessLifetime.keep(outcome)
            Terminal.printDiagnostics(outcome.diagnostics, in: source, color: color)
            failed = failed || outcome.diagnostics.hasErrors
            if let explain {
                switch ScriptCheck.explain(explain, outcome, file: path) {
                case .success(let text)?: reports.append(text)
                case .failure(let unknown)?: throw ValidationError(unknown.message)
                case nil: break
                }
                continue
            }
            switch format {
            case .text:
                if let report = ScriptCheck.textReport(outcome, file: path, headed: files.count > 1) {
                    reports.append(report)
                }
            case .json:
                reports.append(ScriptCheck.jsonReport(outcome, file: path))
            }
        }
        Terminal.writeOutput(ScriptCheck.joined(reports, json: format == .json && explain == nil))
        if failed { throw ExitCode(1) }
    }
}
