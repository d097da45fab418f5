/// How the REPL splits what is typed: whether an entry continues on the next line, and
/// whether it is a REPL command or statements of the language.
public enum ReplInput {
    /// The REPL's own commands; every other entry is statements of the language. None of
    /// these words begins a statement, so the two never overlap.
    public static let commands = ["step", "epoch", "explain", "plot", "undo", "reset", "load", "help", "quit", "exit"]

    /// Whether `text` leaves a model block `<`, a `(` or a `[` open (or a string
    /// unterminated), so the entry continues under the continuation prompt.
    ///
    /// `<` opens a block only right after the word `model`; elsewhere it compares.
    public static func isIncomplete(_ text: String) -> Bool {
        var inModel = false
        var depth = 0
        var inString = false
        var escaped = false
        var inComment = false
        var lastWord = ""
        var word = ""
        for c in text {
            if inComment {
                if c == "\n" { inComment = false }
                continue
            }
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            if c.isLetter || c.isNumber || c == "_" {
                word.append(c)
                continue
            }
            if !word.isEmpty {
                lastWord = word
                word = ""
            }
            switch c {
            case "#": inComment = true
            case "\"": inString = true; lastWord = ""
            case "(", "[": depth += 1; lastWord = ""
            case ")", "]": depth = max(0, depth - 1); lastWord = ""
            case "<":
                if lastWord == "model" && !inModel { inModel = true }
                lastWord = ""
            case ">":
                if inModel && depth == 0 { inModel = false }
                lastWord = ""
            case " ", "\t", "\r", "\n": break
            default: lastWord = ""
            }
        }
        return inModel || depth > 0 || inString
    }

    /// The first word of an entry and the rest, trimmed.
    public static func split(_ text: String) -> (word: String, rest: String) {
        let trimmed = text.trimmingWhitespace
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (trimmed, "") }
        return (String(trimmed[..<space]), String(trimmed[space...]).trimmingWhitespace)
    }

    /// Whether the entry is a REPL command rather than statements. `save FILE` without
    /// quotes is the command; `save "FILE"` is the statement (both write a checkpoint).
    /// `show grad NAME` is the REPL's addition to `show`.
    public static func isCommand(_ text: String) -> Bool {
        let (word, rest) = split(text)
        if commands.contains(word) { return true }
        if word == "save" { return !rest.isEmpty && !rest.hasPrefix("\"") }
        if word == "show" { return split(rest).word == "grad" }
        return false
    }
}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
