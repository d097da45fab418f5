import Foundation
import LRSEngine
import LRSLanguage

/// Tab completion: the language's words, the session's group, parameter and layer names,
/// and file paths inside a string.
struct ReplCompleter {
    let session: ReplSession

    /// Statement keywords (the language's section 3) and the REPL's commands.
    static let keywords = ["seed", "let", "input", "model", "optimizer", "group", "freeze", "schedule", "init",
                           "data", "validate", "split", "train", "save", "checkpoint", "show"] + ReplInput.commands
    static let showTargets = ["model", "groups", "lr", "param", "grad", "state"]
    static let otherWords = ["where", "as", "each", "layer", "param", "per", "step", "epoch", "every", "epochs",
                             "batch", "loss", "shuffle", "true", "false", "cross_entropy", "mse", "npy", "csv",
                             "synthetic", "samples", "classes", "noise", "label", "header", "sequential", "chain",
                             "all", "rest", "lambda", "mean", "std", "norm", "numel", "ndim"]

    /// Words of the vocabulary tables.
    static let vocabulary: [String] = {
        var words = Set(keywords + showTargets + otherWords)
        for kind in LayerKind.allCases {
            words.insert(kind.rawValue)
            for spec in kind.options { words.insert(spec.name) }
        }
        for kind in OptimizerVocabulary.kinds {
            words.insert(kind)
            for spec in OptimizerVocabulary.hyperparameters(of: kind) ?? [] { words.insert(spec.name) }
        }
        for kind in ScheduleKind.allCases {
            words.insert(kind.rawValue)
            for spec in kind.positional + kind.keywords { words.insert(spec.name) }
        }
        return words.sorted()
    }()

    func candidates(line: String, word: String) -> [String] {
        let before = String(line.dropLast(word.count))
        if before.filter({ $0 == "\"" }).count % 2 == 1 { return paths(word) }
        let words = before.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" }).map(String.init)
        let pool: [String]
        switch (words.first, words.count) {
        case (nil, _): pool = Self.keywords
        case ("show"?, 1): pool = Self.showTargets
        case ("show"?, 2) where words[1] == "param" || words[1] == "grad": pool = session.parameterNames
        case ("show"?, 2) where words[1] == "state": pool = session.groupNames
        case ("explain"?, 1): pool = session.parameterNames
        case ("help"?, 1): pool = ReplHelp.topicNames
        case ("plot"?, 1): pool = ["lr"]
        case ("optimizer"?, 1): pool = OptimizerVocabulary.kinds
        case ("schedule"?, 1), ("freeze"?, 1): pool = session.groupNames + session.layerNames
        case ("load"?, 1), ("save"?, 1): return paths(word)
        default: pool = session.groupNames + session.parameterNames + session.layerNames + Self.vocabulary
        }
        var seen = Set<String>()
        return pool.filter { $0.hasPrefix(word) && seen.insert($0).inserted }
    }

    /// Files and directories starting with `word` (directories end in `/`).
    func paths(_ word: String) -> [String] {
        let slash = word.lastIndex(of: "/")
        let directoryPart = slash.map { String(word[...$0]) } ?? ""
        let namePart = slash.map { String(word[word.index(after: $0)...]) } ?? word
        let expanded = directoryPart.hasPrefix("/") ? directoryPart : session.directory + "/" + directoryPart
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: expanded.isEmpty ? "." : expanded) else { return [] }
        return names.filter { $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name in
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: expanded + name, isDirectory: &isDirectory)
            return directoryPart + name + (isDirectory.boolValue ? "/" : "")
        }
    }
}
