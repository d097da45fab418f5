import ArgumentParser

/// `lrs`: the root command. Each subcommand lives in its own file.
struct LRSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lrs",
        abstract: "A language for parameter-specific learning rates.",
        subcommands: []
    )
}
