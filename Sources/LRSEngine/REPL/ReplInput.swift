import LRSLanguage

/// How the REPL splits what is typed: whether an entry continues on the next line, and
/// whether it is a REPL command or statements of the language.
public enum ReplInput {
    /// The REPL's own commands; every other entry is statements of the language. None of
    /// these words begins a statement, so the two never overlap.
    public static let commands = ["step", "epoch", "explain", "plot", "undo", "reset", "load", "help", "quit", "exit"]

    /// Whether `text` leaves a model block `<`, a `(` or a `[` open (or a string
    /// unterminated), so the entry continues under the continuation prompt. Read with the
    /// language's own lexer, so comments, strings and numbers are what a script makes them.
    ///
    /// `<` opens the model right after the word `model`, and a block inside it; elsewhere it
    /// compares.
    public static func isIncomplete(_ text: String) -> Bool {
        let (tokens, lexical) = Lexer.tokenize(SourceFile(path: "<repl>", text: text))
        // A string ends on its line: one left open on the last line may still be closed;
        // one open on an earlier line is an error the check reports.
        let lastLine = text.utf8.lastIndex(of: UInt8(ascii: "\n")).map { text.utf8.distance(from: text.utf8.startIndex, to: $0) + 1 } ?? 0
        if lexical.contains(where: { $0.condition == .unterminatedString && ($0.range?.start ?? 0) >= lastLine }) {
            return true
        }
        var depth = 0
        // Blocks open inside the model (section 12): each '<' there opens one.
        var modelDepth = 0
        var previous: Token?
        for token in tokens {
            switch token.kind {
            case .leftParen, .leftBracket: depth += 1
            case .rightParen, .rightBracket: depth = max(0, depth - 1)
            case .less:
                if modelDepth > 0 && depth == 0 {
                    modelDepth += 1
                } else if modelDepth == 0, let word = previous, word.kind == .identifier, word.text == "model" {
                    modelDepth = 1
                }
            case .greater:
                if modelDepth > 0 && depth == 0 { modelDepth -= 1 }
            default: break
            }
            previous = token
        }
        return modelDepth > 0 || depth > 0
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
