import ArgumentParser
import Foundation

/// `lrs`: the root command. Each subcommand lives in its own file; add it to
/// `subcommands` below.
struct LRSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrs",
        abstract: "A language for parameter-specific learning rates.",
        version: "lrs 1.1.0",
        subcommands: [
            CheckCommand.self,
            RunCommand.self,
            ScheduleCommand.self,
            ExportCommand.self,
            ReplCommand.self,
        ]
    )

    /// The contract's exit statuses: 0 success, 1 script errors, 2 bad command-line usage.
    /// ArgumentParser reports usage errors as 64 (EX_USAGE); they become 2 here.
    static func main() {
        SignalMask.unblockAll()
        // The subcommand being run: a usage error it finds (`--explain` of no parameter)
        // shows its usage, not the root's.
        var subcommand: ParsableCommand.Type = LRSCommand.self
        do {
            // Bare `lrs` on a terminal opens the REPL.
            if CommandLine.arguments.count == 1, isatty(STDIN_FILENO) != 0 {
                let repl = try ReplCommand.parse([])
                try repl.run()
                return
            }
            if let files = CheckCommand.plainFiles(CommandLine.arguments) {
                subcommand = CheckCommand.self
                try CheckCommand.check(files, overrides: [:])
                return
            }
            var command = try parseAsRoot()
            subcommand = type(of: command)
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((usageMessage(for: error, in: subcommand) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The error and the usage of `command`: as ArgumentParser words it for errors found
    /// while parsing (it knows the subcommand then), and for the subcommand's own.
    static func usageMessage(for error: Error, in command: ParsableCommand.Type) -> String {
        guard command != LRSCommand.self else { return fullMessage(for: error) }
        let usage = command.usageString().trimmingCharacters(in: .whitespacesAndNewlines)
        let name = command.configuration.commandName ?? ""
        return "Error: \(message(for: error))\nUsage: lrs \(usage)\n  See 'lrs \(name) --help' for more information."
    }
}
