import ArgumentParser
import Foundation

/// `lrs repl [FILE]` (and bare `lrs` on a terminal): the interactive session.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Explore and step through a setup, a statement at a time."
    )

    @Argument(help: "A script to load first.")
    var file: String?

    func run() throws {
        let loop = ReplLoop(interactive: isatty(STDIN_FILENO) != 0)
        if !loop.run(loading: file) { throw ExitCode(1) }
    }
}
