import LRSHyperparameters
import LRSLanguage

/// What tab completes, by where the cursor is: the language's words, the session's group,
/// layer and parameter names, and file paths inside a string. It offers only what the
/// parser accepts there: a parameter name (`c1.bias`) in a selector is a quoted glob, so
/// it is offered inside quotes after `group`/`freeze`, and never bare where a word goes.
public enum ReplCompletion {
    /// The session's names.
    public struct Names: Sendable {
        public var groups: [String]
        public var layers: [String]
        public var parameters: [String]

        public init(groups: [String] = [], layers: [String] = [], parameters: [String] = []) {
            self.groups = groups
            self.layers = layers
            self.parameters = parameters
        }

        public init(_ session: ReplSession) {
            self.init(groups: session.groupNames, layers: session.layerNames, parameters: session.parameterNames)
        }
    }

    /// Statement keywords (the language's section 3) and the REPL's commands.
    static let keywords = LanguageWords.statementKeywords + ReplInput.commands
    /// `show` targets, with the REPL's own `show grad NAME`.
    static let showTargets = LanguageWords.showTargets + ["grad"]

    /// Every word of the language and the REPL.
    static let vocabulary: [String] = Set(keywords + showTargets + LanguageWords.all).sorted()

    /// Candidates for `word`, the last word of `line` (the line up to the cursor); `paths`
    /// lists files for a word inside a string that names one.
    public static func candidates(line: String, word: String, names: Names, paths: () -> [String]) -> [String] {
        let before = String(line.dropLast(word.count))
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" }).map(String.init)
        if before.filter({ $0 == "\"" }).count % 2 == 1 {
            // In a selector a string is a glob over parameter names; elsewhere, a file.
            let selector = ["group", "freeze"].contains(words.first ?? "")
            return selector ? names.parameters.filter { $0.hasPrefix(word) } : paths()
        }
        let pool: [String]
        switch (words.first, words.count) {
        case (nil, _): pool = keywords
        case ("show"?, 1): pool = showTargets
        case ("show"?, 2) where words[1] == "param" || words[1] == "grad": pool = names.parameters
        case ("show"?, 2) where words[1] == "state": pool = names.groups
        case ("explain"?, 1): pool = names.parameters
        case ("help"?, 1): pool = ReplHelp.topicNames
        case ("plot"?, 1): pool = ["lr"]
        case ("optimizer"?, 1): pool = OptimizerKind.allCases.map(\.rawValue)
        case ("schedule"?, 1): pool = names.groups.filter(isWord)
        case ("freeze"?, 1): pool = names.layers.filter(isWord) + LayerKind.allCases.map(\.rawValue)
        case ("load"?, 1), ("save"?, 1): return paths()
        default: pool = (names.groups + names.layers).filter(isWord) + vocabulary
        }
        var seen = Set<String>()
        return pool.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }

    /// Whether a name reads as one word where a word goes: a letter or `_`, then letters,
    /// digits and `_` (a layer named `1` or a group `base.fc` would not parse there).
    static func isWord(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0" ... "9").contains($0))) }
    }
}
