@preconcurrency import CReadline
import Foundation

/// Reads the REPL's lines: GNU readline on a terminal (editing, history kept across
/// sessions, tab completion), plain lines without prompts or echo otherwise, so a piped
/// script reads exactly like a file.
final class LineReader {
    /// Offers completions for the word being typed: (whole line so far, the word) -> candidates.
    typealias Completer = (_ line: String, _ word: String) -> [String]

    let interactive: Bool
    private let historyPath: String?

    init(interactive: Bool, completer: @escaping Completer) {
        self.interactive = interactive
        historyPath = interactive ? Self.historyFile() : nil
        guard interactive else { return }
        ReadlineHooks.completer = completer
        rl_readline_name = UnsafePointer(strdup("lrs"))
        // Words end at spaces and the language's punctuation, but not at '.' or '*', so that
        // parameter names such as layer1.weight and globs complete as one word.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n;:,()<>=\""))
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1
            return rl_completion_matches(text) { text, state in ReadlineHooks.next(text, state) }
        }
        using_history()
        if let path = historyPath { read_history(path) }
        InterruptFlag.installForPrompt()
    }

    /// The next line, or nil at end of input (Ctrl-D).
    func readLine(prompt: String) -> String? {
        guard interactive else { return Swift.readLine(strippingNewline: true) }
        InterruptFlag.atPrompt = true
        defer { InterruptFlag.atPrompt = false }
        guard let raw = readline(prompt) else { return nil }
        defer { free(raw) }
        let line = String(cString: raw)
        if !line.trimmingCharacters(in: .whitespaces).isEmpty {
            add_history(raw)
            if let path = historyPath {
                // Appending keeps the history of sessions that run side by side.
                if append_history(1, path) != 0 { write_history(path) }
            }
        }
        return line
    }

    /// `$XDG_DATA_HOME/lrs/history`, else `~/.local/share/lrs/history`.
    static func historyFile() -> String? {
        let env = ProcessInfo.processInfo.environment
        let base: String
        if let xdg = env["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = env["HOME"], !home.isEmpty {
            base = home + "/.local/share"
        } else {
            return nil
        }
        let dir = base + "/lrs"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/history"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        return path
    }
}

/// Readline calls plain C function pointers, which cannot capture: the completer and the
/// candidates of the completion in progress live here. Readline runs on the main thread only.
enum ReadlineHooks {
    nonisolated(unsafe) static var completer: LineReader.Completer?
    nonisolated(unsafe) static var candidates: [String] = []
    nonisolated(unsafe) static var position = 0

    static func next(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
        if state == 0 {
            let word = text.map { String(cString: $0) } ?? ""
            let lineBuffer = rl_line_buffer.map { String(cString: $0) } ?? ""
            let upToCursor = String(lineBuffer.utf8.prefix(Int(rl_point))) ?? lineBuffer
            candidates = completer?(upToCursor, word) ?? []
            position = 0
        }
        guard position < candidates.count else { return nil }
        defer { position += 1 }
        return strdup(candidates[position])
    }
}

/// Ctrl-C: at the prompt it clears the line; while training it asks the run to stop at
/// the next batch boundary. It never ends the session.
enum InterruptFlag {
    nonisolated(unsafe) static var atPrompt = false
    nonisolated(unsafe) static var requested: sig_atomic_t = 0
    /// Set when Ctrl-C cleared the line at a prompt.
    nonisolated(unsafe) static var cleared: sig_atomic_t = 0
    /// The prompt a cleared line comes back to (set once, never freed).
    nonisolated(unsafe) static var primaryPrompt: UnsafeMutablePointer<CChar>?

    static func installForPrompt() {
        // Readline would otherwise re-raise SIGINT after cleaning up, killing the process.
        rl_catch_signals = 0
        signal(SIGINT) { _ in
            if InterruptFlag.atPrompt {
                // Abandon the line being typed (and an entry continued over several lines)
                // and show a fresh primary prompt.
                InterruptFlag.cleared = 1
                write(STDOUT_FILENO, "^C\n", 3)
                if let prompt = InterruptFlag.primaryPrompt { rl_set_prompt(prompt) }
                rl_on_new_line()
                rl_replace_line("", 0)
                rl_redisplay()
            } else {
                InterruptFlag.requested = 1
            }
        }
    }

    /// True once since the last call if Ctrl-C was pressed.
    static func take() -> Bool {
        guard requested != 0 else { return false }
        requested = 0
        return true
    }
}
