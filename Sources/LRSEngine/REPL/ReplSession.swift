import LRSFiles
import Foundation
import LRSLanguage
import LRSRuntime

/// The REPL's state: the script typed so far (its declarations) and the run lowered from
/// it. Every entry is checked with the whole script, so it gets the diagnostics a script
/// would (located as `<repl>:LINE:COL`), and it applies whole or not at all.
///
/// Declarations that change the setup rebuild the run from the script, exactly as
/// `lrs run` would build it (trained weights do not carry over; `undo` brings them back).
/// A second `seed`, `input`, `model`, `optimizer`, `init`, `data`, `validate`/`split` or
/// `train` replaces the first, and a `let` of a defined name replaces its value.
public final class ReplSession {
    /// One kept statement of the script typed so far.
    struct Entry {
        let keyword: String
        /// The name a `let` defines.
        let name: String?
        let text: String
        /// Where it was typed (or loaded from), for diagnostics.
        let origin: ReplSourceMap.Origin
    }

    /// What `undo` goes back to.
    struct Snapshot {
        /// The statements, or nil when the step after the snapshot only appended to them
        /// (going back then drops what it appended: holding the array would make every
        /// append copy it).
        let entries: [Entry]?
        let entryCount: Int
        let directory: String
        let run: ScriptRun?
        let trainer: Trainer?
        let state: SafetensorsFile?
        let progress: EpochProgress?
        let latest: ReplSettings?
        /// The entry that changed the session after it, as typed (what `undo` undoes).
        var what = ""
    }

    static let replacedKeywords: Set<String> = ["seed", "input", "model", "optimizer", "init", "data", "validate",
                                                "split", "train"]
    /// Statements carried out when entered and not kept in the script.
    static let actionKeywords: Set<String> = ["show", "save"]
    /// How many `undo` steps are kept (each holds a copy of the weights and optimizer state).
    public static let undoLimit = 20

    var entries: [Entry] = [] {
        // Changed other than by `statements` appending: the facts no longer hold.
        didSet { facts = nil }
    }
    /// What is known of `entries`, for checking the next entry against (nil: build it).
    var facts: ReplSessionFacts?
    /// Relative paths resolve here: the working directory, or the loaded script's.
    public internal(set) var directory: String
    /// The run lowered from the script; nil until the script has a model.
    public internal(set) var run: ScriptRun?
    var trainer: Trainer?
    /// The epoch in progress, for the next trainer when `train` changed its settings.
    var pendingProgress: EpochProgress?
    /// The last script checked with a model: its `train` and `checkpoint` statements.
    var latest: ReplSettings?
    var undoStack: [Snapshot] = []
    /// Whether to say what happened when it prints nothing else (`load`); off for piped input.
    public var verbose = true
    /// Columns a chart may use (the CLI sets the terminal's width).
    public var width = 80
    /// The number of the next line entered: diagnostics say `<repl>:LINE:COL` with LINE
    /// counting every line of input, so piped input is located like a script.
    public internal(set) var nextLine = 1
    /// The entry being carried out, first line, for `undo` to name.
    var currentEntry = ""

    public init(directory: String = FileManager.default.currentDirectoryPath) {
        self.directory = directory
    }

    /// The script typed so far (declarations and the last `train`), as it is checked.
    public var scriptText: String { entries.map { $0.text + "\n" }.joined() }

    /// The training state, once the script has a model.
    public var state: TrainingState? { run?.state }

    /// Group names and parameter names, for completion.
    public var groupNames: [String] { run?.resolution.groups.map(\.name) ?? [] }
    public var parameterNames: [String] { run?.script.model.parameters.map(\.name) ?? [] }
    /// Top-level names and labels at any depth (what selector words may name), in order.
    public var layerNames: [String] {
        guard let model = run?.script.model else { return [] }
        var seen = Set<String>()
        return (model.layers.map(\.name) + model.items.compactMap(\.label)).filter { seen.insert($0).inserted }
    }

    /// Carries out one entry (possibly several lines): a REPL command or statements.
    /// `counted` false (the command line's own `load FILE`) leaves the line count alone.
    public func enter(_ text: String, observer: TrainingObserver? = nil, counted: Bool = true) -> ReplReply {
        var reply = ReplReply()
        let origin = ReplSourceMap.Origin(path: "<repl>", line: nextLine, column: 0)
        if counted { reply.place = Self.place(of: text, from: nextLine) }
        if counted { nextLine += 1 + text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } }
        let trimmed = text.trimmingWhitespace
        let firstLine = trimmed.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        currentEntry = firstLine.count > 60 ? String(firstLine.prefix(57)) + "..." : firstLine
        if trimmed.isEmpty || trimmed.hasPrefix("#") && !trimmed.contains("\n") { return reply }
        if ReplInput.isCommand(trimmed) {
            command(trimmed, observer: observer, into: &reply)
        } else {
            statements(text, origin: origin, observer: observer, into: &reply)
        }
        reply.placeUnlocated()
        return reply
    }

    /// `<repl>:LINE:COL` of the first word of an entry that starts on line `line`.
    static func place(of text: String, from line: Int) -> String {
        var line = line
        var column = 1
        for c in text.unicodeScalars {
            if c == "\n" {
                line += 1
                column = 1
            } else if c == " " || c == "\t" || c == "\r" {
                column += 1
            } else {
                break
            }
        }
        return "<repl>:\(line):\(column)"
    }

    /// The source the script is checked as: named `<repl>`, in `directory` so that relative
    /// paths resolve there.
    func source(_ text: String) -> SourceFile {
        SourceFile(path: directory + "/<repl>", text: text)
    }

    /// Where the kept statements came from, joined as `scriptText` joins them.
    func sourceMap(_ entries: [Entry]) -> ReplSourceMap {
        ReplSourceMap(entries.map { (Array($0.text.utf8), $0.origin) })
    }

    /// Diagnostics of the run's script, located where its statements were typed; when the
    /// run was built from other statements than those kept, in the script as it was built.
    func report(_ diagnostics: [Diagnostic], of script: SourceFile, into reply: inout ReplReply) {
        let map = sourceMap(entries)
        if map.joined == script.bytes {
            reply.problems += diagnostics.flatMap(map.problems)
        } else {
            reply.report(diagnostics, in: SourceFile(path: "<repl>", bytes: script.bytes))
        }
    }

    /// The session as it is; `appending` when the step to come only appends statements.
    /// `weights` false when the step does not train the run in place (it keeps it, replaces
    /// it, or sets it aside): undoing steps last first then finds its weights as they were,
    /// without a copy of them per statement.
    func snapshot(appending: Bool = false, weights: Bool = true) -> Snapshot {
        Snapshot(entries: appending ? nil : entries, entryCount: entries.count, directory: directory, run: run, trainer: trainer,
                 state: weights ? run.map { Checkpoint.file(of: $0.state) } : nil, progress: trainer?.progress ?? pendingProgress,
                 latest: latest)
    }

    func push(_ snapshot: Snapshot) {
        var snapshot = snapshot
        snapshot.what = currentEntry
        undoStack.append(snapshot)
        if undoStack.count > Self.undoLimit { undoStack.removeFirst(undoStack.count - Self.undoLimit) }
    }

    /// Puts everything back as the snapshot found it.
    func restore(_ snapshot: Snapshot) {
        if let kept = snapshot.entries {
            entries = kept
        } else if entries.count > snapshot.entryCount {
            // Steps are undone last first, so the statements are those of the snapshot
            // followed by what the step appended.
            entries.removeLast(entries.count - snapshot.entryCount)
        }
        directory = snapshot.directory
        run = snapshot.run
        trainer = snapshot.trainer
        if let run, let file = snapshot.state { _ = Checkpoint.restore(file, into: run.state) }
        trainer?.progress = snapshot.progress
        pendingProgress = trainer == nil ? snapshot.progress : nil
        latest = snapshot.latest
    }
}
