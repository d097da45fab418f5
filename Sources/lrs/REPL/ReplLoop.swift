@preconcurrency import CReadline
import Foundation
import LRSEngine
import LRSLanguage

/// Reads entries, hands them to a `ReplSession` and prints its replies. On a terminal: a
/// banner, prompts, readline; otherwise standard input reads like a script, silently.
final class ReplLoop {
    let interactive: Bool
    let session = ReplSession()
    private let color: Bool
    private let reader: LineReader
    private let printer = EpochPrinter(quiet: false)
    private var primaryPrompt = ""

    init(interactive: Bool) {
        self.interactive = interactive
        let env = ProcessInfo.processInfo.environment
        color = interactive && isatty(STDOUT_FILENO) != 0 && env["NO_COLOR"] == nil
            && env["TERM"].map { $0 != "dumb" && !$0.isEmpty } ?? false
        let session = session
        reader = LineReader(interactive: interactive) { line, word in
            ReplCompletion.candidates(line: line, word: word, in: session)
        }
        printer.stopRequested = { InterruptFlag.take() }
        primaryPrompt = interactive ? (color ? "\u{1}\u{1B}[1;36m\u{2}lrs> \u{1}\u{1B}[0m\u{2}" : "lrs> ") : ""
        if interactive { InterruptFlag.primaryPrompt = strdup(primaryPrompt) }
        session.verbose = interactive
    }

    /// Runs until `quit` or the end of input; false when a piped entry failed.
    func run(loading file: String?) -> Bool {
        var ok = true
        if interactive {
            Terminal.writeOutput("lrs \u{2014} type statements or commands; 'help' lists them, Ctrl-D quits.\n")
        }
        if let file {
            let quoted = "\"" + file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
            if !show(session.enter("load " + quoted, observer: printer, counted: false)) { ok = false }
        }
        while let entry = readEntry() {
            _ = InterruptFlag.take()
            session.width = terminalWidth()
            let reply = session.enter(entry, observer: printer)
            printer.clearProgress()
            if !show(reply) { ok = false }
            if reply.quit { break }
        }
        if interactive { Terminal.writeOutput("\n") }
        return ok || interactive
    }

    /// One entry: a line, and more lines while a model block or bracket is open.
    /// Ctrl-C at the continuation prompt abandons the whole entry.
    private func readEntry() -> String? {
        InterruptFlag.cleared = 0
        guard var text = reader.readLine(prompt: primaryPrompt) else { return nil }
        while ReplInput.isIncomplete(text) {
            InterruptFlag.cleared = 0
            guard let more = reader.readLine(prompt: prompt("...> ")) else { return text }
            text = InterruptFlag.cleared != 0 ? more : text + "\n" + more
        }
        return text
    }

    private func prompt(_ text: String) -> String {
        guard interactive else { return "" }
        // \u{1} and \u{2} tell readline the escapes take no columns.
        return color ? "\u{1}\u{1B}[1;36m\u{2}" + text + "\u{1}\u{1B}[0m\u{2}" : text
    }

    /// Prints a reply; false when it failed.
    private func show(_ reply: ReplReply) -> Bool {
        Terminal.writeOutput(reply.output)
        let renderer = DiagnosticRenderer(color: color && isatty(STDERR_FILENO) != 0)
        for problem in reply.problems {
            Terminal.writeError(renderer.render(problem.diagnostic, in: problem.source))
        }
        for message in reply.messages {
            let place = reply.place.map { $0 + ": " } ?? ""
            Terminal.writeError(place + (color ? "\u{1B}[1;31merror:\u{1B}[0m " : "error: ") + TerminalText.escaped(message) + "\n")
        }
        return !reply.failed
    }

    /// The width charts use: the terminal's (it may change), else `$COLUMNS`, read once.
    private lazy var columns = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 80

    private func terminalWidth() -> Int {
        if interactive {
            var rows: Int32 = 0
            var columns: Int32 = 0
            rl_get_screen_size(&rows, &columns)
            if columns > 0 { return Int(columns) }
        }
        return columns
    }
}
