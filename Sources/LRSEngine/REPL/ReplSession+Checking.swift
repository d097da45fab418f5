import LRSLanguage

/// What the session knows about its kept statements, kept up to date as they grow, so that
/// a statement costs the same however long the session is: the checker's state after them
/// (an entry is checked against it, not re-parsed and re-checked with every line before),
/// where each `let` stands, and whether there is a model.
///
/// Built from the statements when first needed; any change to them other than appending
/// (undo, reset, load, a replaced statement) drops it.
struct ReplSessionFacts {
    var prefix: CheckedPrefix
    var letPositions: [String: Int]
    var hasModel: Bool
    /// How many statements it describes.
    var count = 0

    /// Nil if the statements do not parse (they passed the checker, so they do; entries
    /// are then checked in full).
    init?(_ entries: [ReplSession.Entry], source: SourceFile) {
        guard let prefix = CheckedPrefix(source) else { return nil }
        self.prefix = prefix
        letPositions = [:]
        hasModel = false
        note(entries, from: 0)
    }

    /// Records `added`, appended at `start`.
    mutating func note(_ added: [ReplSession.Entry], from start: Int) {
        for (k, entry) in added.enumerated() {
            if let name = entry.name { letPositions[name] = start + k }
            if entry.keyword == "model" { hasModel = true }
        }
        count = start + added.count
    }
}

extension ReplSession {
    /// The facts of the kept statements, built if they were dropped.
    func takeFacts() -> ReplSessionFacts? {
        if let facts, facts.count == entries.count, facts.prefix.source.path == source("").path {
            // Taken, not copied: the checker state is then extended in place.
            self.facts = nil
            return facts
        }
        facts = nil
        return ReplSessionFacts(entries, source: source(scriptText))
    }
}

/// What the session keeps of the last script checked with a model: its `train` settings and
/// its `checkpoint` statements. Not the checked script itself: held from one entry to the
/// next (and by every undo step), it would share the checker's growing lists, and each
/// entry would copy them.
struct ReplSettings {
    let train: CheckedTrain?
    let checkpoints: [(everyEpochs: Int, file: CheckedFile)]

    init(_ script: CheckedScript) {
        self.init(script.statements)
    }

    init(_ statements: [CheckedStatement]) {
        var train: CheckedTrain?
        var checkpoints: [(everyEpochs: Int, file: CheckedFile)] = []
        for statement in statements {
            switch statement {
            case .train(let settings): train = train ?? settings
            case .checkpoint(let every, let file): checkpoints.append((every, file))
            default: continue
            }
        }
        self.train = train
        self.checkpoints = checkpoints
    }

    private init(train: CheckedTrain?, checkpoints: [(everyEpochs: Int, file: CheckedFile)]) {
        self.train = train
        self.checkpoints = checkpoints
    }

    /// These settings with statements appended after them (a `train` among them is the
    /// first: a second would have replaced the first in the session, not been appended).
    func adding(_ statements: [CheckedStatement]) -> ReplSettings {
        let added = ReplSettings(statements)
        return ReplSettings(train: train ?? added.train, checkpoints: checkpoints + added.checkpoints)
    }
}
