import LRSFiles
import Foundation
import LRSEngine
import LRSLanguage
import Testing
import TestSupport

/// The REPL's engine: statements apply whole or not at all, steps are exact, undo goes back.
@Suite struct ReplSessionTests {
    /// 40 samples in batches of 8: five optimizer steps per epoch; a per-step schedule so
    /// that a step taken out of place would change the rates.
    static let setup = """
        seed 3
        model < a: linear 4 8; relu; b: linear 8 3 >
        optimizer adam
        group a lr 0.01
        group b lr 0.001
        schedule a lambda 0.9^step per step
        data synthetic samples 40 classes 3
        train epochs 2 batch 8
        """

    /// A session that loaded `setup`: its declarations and train settings, nothing run.
    static func session() -> ReplSession {
        let directory = Fixtures.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory + "/setup.lrs", contents: Data(setup.utf8))
        let session = ReplSession(directory: directory)
        let reply = session.enter("load setup.lrs")
        #expect(!reply.failed, "\(reply.messages) \(reply.problems.map(\.diagnostic.message))")
        #expect(session.state?.step == 0)
        return session
    }

    /// Every tensor of the state's checkpoint, by name (weights, optimizer state).
    static func tensors(_ session: ReplSession) -> [String: StoredTensor] {
        guard let state = session.state else { return [:] }
        return Checkpoint.file(of: state).tensors
    }

    final class StopAfter: TrainingObserver {
        var remaining: Int
        var reports: [EpochReport] = []
        init(_ batches: Int) { remaining = batches }
        func epochFinished(_ report: EpochReport) { reports.append(report) }
        func shouldStop() -> Bool {
            if remaining == 0 { return true }
            remaining -= 1
            return false
        }
    }

    @Test func stepsAcrossEpochsEqualAScriptRun() throws {
        let session = Self.session()
        #expect(!session.enter("step 3").failed)
        #expect(!session.enter("step 4").failed)
        #expect(session.state?.epoch == 1)
        #expect(session.state?.step == 7)
        #expect(!session.enter("epoch").failed)
        #expect(session.state?.epoch == 2)
        #expect(session.state?.step == 10)

        let source = SourceFile(path: Fixtures.temporaryDirectory() + "/s.lrs", text: Self.setup)
        let run = try ScriptRun.prepare(source, options: ScriptRun.Options()).get()
        _ = try run.execute(observer: nil) { _ in }
        let expected = Checkpoint.file(of: run.state).tensors
        #expect(!expected.isEmpty)
        #expect(Self.tensors(session) == expected)
    }

    @Test func accumulatingStepsAcrossEpochsEqualAScriptRun() throws {
        // 40 samples in batches of 8 in runs of 2: three optimizer steps per epoch (2, 2, 1
        // batches); `step` takes whole runs, so no state is left inside one.
        let text = Self.setup.replacingOccurrences(of: "train epochs 2 batch 8", with: "train epochs 2 batch 8 accumulate 2 clip 0.3")
        let directory = Fixtures.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory + "/setup.lrs", contents: Data(text.utf8))
        let session = ReplSession(directory: directory)
        #expect(!session.enter("load setup.lrs").failed)
        #expect(!session.enter("step 2").failed)
        #expect(session.state?.epoch == 0)
        #expect(!session.enter("step 2").failed)
        #expect(session.state?.epoch == 1)
        #expect(session.state?.step == 4)
        #expect(!session.enter("epoch").failed)
        #expect(session.state?.step == 6)

        let source = SourceFile(path: Fixtures.temporaryDirectory() + "/s.lrs", text: text)
        let run = try ScriptRun.prepare(source, options: ScriptRun.Options()).get()
        _ = try run.execute(observer: nil) { _ in }
        #expect(run.state.step == 6)
        #expect(Self.tensors(session) == Checkpoint.file(of: run.state).tensors)
    }

    @Test func diagnosticsPointWhereTheLineWasTypedOrLoadedFrom() throws {
        let session = Self.session()
        _ = session.enter("step 1")
        _ = session.enter("")
        _ = session.enter("# a comment")
        // Line 5, the second statement of the line.
        let typed = session.enter("seed 4; group rlu lr 1")
        let problem = try #require(typed.problems.first { $0.diagnostic.severity == .error })
        let range = try #require(problem.diagnostic.range)
        #expect(problem.source.path == "<repl>")
        #expect(problem.source.location(of: range.start).line == 5)
        #expect(problem.source.location(of: range.start).column == 15)
        // An entry that breaks a loaded statement: located in the loaded file.
        let broken = session.enter("input 5")
        let loaded = try #require(broken.problems.first { $0.diagnostic.severity == .error })
        let where_ = try #require(loaded.diagnostic.range)
        #expect(loaded.source.path == "setup.lrs")
        #expect(loaded.source.location(of: where_.start).line == 2)
        #expect(loaded.source.location(of: where_.start).column == 9)
    }

    @Test func trainStatementRunsToItsEpoch() {
        let session = Self.session()
        // A second `train` replaces the first whole: batch 8 must be given again.
        let reply = session.enter("train epochs 1 batch 8")
        #expect(!reply.failed)
        #expect(session.state?.epoch == 1)
        #expect(session.state?.step == 5)
        #expect(reply.output.contains("epoch 1, step 5"))
    }

    @Test func rejectedStatementLeavesEverythingAsItWas() {
        let session = Self.session()
        _ = session.enter("step 2")
        let text = session.scriptText
        let before = Self.tensors(session)
        let reply = session.enter("group nope lr 1")
        #expect(reply.failed)
        let located = reply.problems.first { $0.diagnostic.severity == .error }
        #expect(located?.source.path == "<repl>")
        if let located, let range = located.diagnostic.range {
            // The third line entered: `load`, `step 2`, then this one.
            #expect(located.source.location(of: range.start).line == 3)
            #expect(located.source.location(of: range.start).column == 7)
        }
        #expect(session.scriptText == text)
        #expect(session.state?.step == 2)
        #expect(Self.tensors(session) == before)
        // Two statements, the second bad: neither applies.
        #expect(session.enter("group \"a.bias\" lr 0.5; schedule nope cosine 3").failed)
        #expect(session.scriptText == text)
        #expect(session.state?.rates.map(\.group) == ["a", "b"])
    }

    @Test func undoGoesBackOneStatementOrStep() {
        let session = Self.session()
        let start = Self.tensors(session)
        _ = session.enter("step 3")
        let afterThree = Self.tensors(session)
        _ = session.enter("step")
        #expect(session.state?.step == 4)
        #expect(!session.enter("undo").failed)
        #expect(session.state?.step == 3)
        #expect(Self.tensors(session) == afterThree)
        // The epoch in progress continues where it stood: 3 + 2 steps finish epoch 1.
        _ = session.enter("epoch")
        #expect(session.state?.step == 5)
        #expect(session.state?.epoch == 1)
        _ = session.enter("undo")
        _ = session.enter("undo")
        #expect(session.state?.step == 0)
        #expect(Self.tensors(session) == start)

        let text = session.scriptText
        _ = session.enter("optimizer sgd")
        #expect(session.scriptText != text)
        #expect(session.state?.optimizers.count == 1)
        _ = session.enter("undo")
        #expect(session.scriptText == text)
    }

    @Test func interruptedEpochStopsAtABatchAndContinuesExactly() {
        let stopped = Self.session()
        let observer = StopAfter(2)
        let reply = stopped.enter("epoch 2", observer: observer)
        #expect(reply.output.contains("interrupted"))
        #expect(stopped.state?.step == 2)
        #expect(stopped.state?.epoch == 0)
        _ = stopped.enter("epoch 2")
        let straight = Self.session()
        _ = straight.enter("epoch 2")
        #expect(stopped.state?.step == 10)
        #expect(Self.tensors(stopped) == Self.tensors(straight))
    }

    @Test func incompleteSetupWaitsForItsGroups() {
        let session = ReplSession(directory: Fixtures.temporaryDirectory())
        #expect(!session.enter("seed 1").failed)
        #expect(!session.enter("model <\n  a: linear 4 8\n  relu\n  b: linear 8 2\n>").failed)
        #expect(session.state != nil)
        let partial = session.enter("group a lr 0.1")
        #expect(!partial.failed)
        #expect(session.state == nil)
        #expect(session.enter("show lr").failed)
        #expect(!session.enter("group b lr 0.2").failed)
        #expect(session.groupNames == ["a", "b"])
        #expect(session.parameterNames == ["a.weight", "a.bias", "b.weight", "b.bias"])
    }

    @Test func secondSingularStatementReplacesTheFirst() {
        let session = ReplSession(directory: Fixtures.temporaryDirectory())
        for line in ["let base = 0.5", "model < a: linear 4 8; relu; b: linear 8 3 >", "optimizer sgd momentum 0.9",
                     "group a lr base", "group b lr 0.1"] {
            #expect(!session.enter(line).failed, "\(line)")
        }
        #expect(session.state?.rates.map(\.lr) == [0.5, 0.1])
        // `let` is replaced where it stands, so the group that uses it sees the new value.
        #expect(!session.enter("let base = 0.25").failed)
        #expect(session.state?.rates.map(\.lr) == [0.25, 0.1])
        #expect(!session.enter("optimizer adam").failed)
        #expect(session.state?.optimizers.count == 1)
        #expect(session.state.map { $0.resolution.groups.map(\.optimizerKind) } == [.adam, .adam])
        #expect(session.scriptText.components(separatedBy: "optimizer").count == 2)
        #expect(session.scriptText.components(separatedBy: "let base").count == 2)
        // A second group of the same name is an error, as in a script.
        #expect(session.enter("group \"b.*\" lr 1 as a").failed)
    }

    @Test func showAndCommandsAnswer() {
        let session = Self.session()
        #expect(session.enter("show lr").output.contains("a      0.01"))
        #expect(session.enter("explain b.weight").output.contains("taken by group 'b'"))
        #expect(session.enter("explain nope").failed)
        session.width = 60
        let chart = session.enter("plot lr epochs 3").output
        #expect(chart.contains("* a"))
        #expect(chart.split(separator: "\n").allSatisfy { $0.count <= 60 })
        #expect(session.enter("step 0").failed)
        #expect(session.enter("frobnicate").failed)
        #expect(session.enter("quit").quit)
        #expect(session.enter("help").output.contains("step [N]"))
    }

    @Test func saveWritesACheckpointARunResumesFrom() throws {
        let session = Self.session()
        _ = session.enter("epoch")
        let reply = session.enter("save ck.safetensors")
        #expect(!reply.failed)
        #expect(reply.output == "saved ck.safetensors\n")
        let file = try SafetensorsFile.read(path: session.directory + "/ck.safetensors")
        let fresh = Self.session()
        let state = try #require(fresh.state)
        #expect(Checkpoint.restore(file, into: state) == nil)
        #expect(Self.tensors(fresh) == Self.tensors(session))
        #expect(fresh.state?.step == 5)
        // The statement form does the same; mid-epoch it says what a resume would do.
        _ = session.enter("step 2")
        #expect(session.enter("save \"mid.safetensors\"").output.contains("a resumed run restarts that epoch"))
    }

    @Test func commandsAndStatementsAreToldApart() {
        #expect(ReplInput.isCommand("step 3"))
        #expect(ReplInput.isCommand("save out.safetensors"))
        #expect(!ReplInput.isCommand("save \"out.safetensors\""))
        #expect(ReplInput.isCommand("show grad a.weight"))
        #expect(!ReplInput.isCommand("show param a.weight"))
        #expect(!ReplInput.isCommand("group step lr 0.1"))
    }

    @Test func continuation() {
        #expect(ReplInput.isIncomplete("model <"))
        #expect(ReplInput.isIncomplete("model < a: linear 4 8\nrelu"))
        #expect(!ReplInput.isIncomplete("model < a: linear 4 8 >"))
        #expect(!ReplInput.isIncomplete("group \"*.weight\" where mean(abs(param)) < 0.5 lr 0.1"))
        #expect(ReplInput.isIncomplete("schedule a multistep [1, 2,"))
        #expect(ReplInput.isIncomplete("group x where (numel > 3"))
        #expect(!ReplInput.isIncomplete("group a lr 0.1 # model < ("))
        #expect(ReplInput.isIncomplete("init \"unterminated"))
        // A string cannot span lines: one left open on an earlier line ends the entry (the
        // check then reports it), so a stray quote cannot keep the prompt open for ever.
        #expect(!ReplInput.isIncomplete("init \"unterminated\nrest"))
    }
}

/// Statements are checked against what was checked before them; the answers are those of
/// checking the whole session again.
@Suite struct ReplIncrementalTests {
    @Test func aLetAfterTrainingKeepsTheTrainedRun() {
        let session = ReplSessionTests.session()
        #expect(!session.enter("step 2").failed)
        #expect(!session.enter("let k = 3").failed)
        #expect(session.state?.step == 2, "a new let changes nothing before it")
        let reply = session.enter("group a lr k * nothing")
        #expect(reply.failed)
        #expect(!session.enter("let k = 4").failed, "a replaced let is checked in full")
        #expect(!session.enter("undo").failed)
        #expect(!session.enter("undo").failed)
        #expect(session.scriptText.contains("let k") == false)
        #expect(session.state?.step == 2)
        // After undo, the kept statements are checked again from the start, and still work.
        #expect(!session.enter("let k = 5; let j = k + 1").failed)
        #expect(session.scriptText.hasSuffix("let k = 5\nlet j = k + 1\n"))
        let bad = session.enter("let q = j +")
        #expect(bad.problems.first.map { "\($0.diagnostic.condition)" } != nil)
    }

    /// Statements that do not train keep no copy of the weights for undo; going back
    /// still finds them as they were.
    @Test func undoOverStatementsFindsTheWeightsAsTheyWere() {
        let session = ReplSessionTests.session()
        #expect(!session.enter("step 2").failed)
        let trained = ReplSessionTests.tensors(session)
        #expect(!session.enter("let k = 3").failed)
        #expect(!session.enter("step 2").failed)
        #expect(ReplSessionTests.tensors(session) != trained)
        #expect(!session.enter("undo").failed)
        #expect(ReplSessionTests.tensors(session) == trained)
        #expect(!session.enter("undo").failed)
        #expect(ReplSessionTests.tensors(session) == trained)
        #expect(!session.enter("seed 5").failed, "a new seed rebuilds the run")
        #expect(session.state?.step == 0)
        #expect(!session.enter("undo").failed)
        #expect(session.state?.step == 2)
        #expect(ReplSessionTests.tensors(session) == trained)
    }

    @Test func incrementalDiagnosticsMatchAFullCheck() {
        let session = ReplSession(directory: NSTemporaryDirectory())
        session.verbose = false
        for line in ["seed 1", "let a = 2", "model < l1: linear 4 4; relu; l2: linear 4 2 >", "let b = a * 3",
                     "group l1 lr b", "# a comment", "optimizer sgd  # and another"] {
            let reply = session.enter(line)
            #expect(!reply.failed, "\(line): \(reply.messages) \(reply.problems.map(\.diagnostic.message))")
        }
        let reply = session.enter("group l2 lr c")
        #expect(reply.problems.count == 1)
        let location = reply.problems.first.map { $0.source.location(of: $0.diagnostic.range?.start ?? 0) }
        #expect(location?.line == 8)
        #expect(location?.column == 13)
        #expect(!session.enter("group l2 lr b / 10").failed)
        #expect(session.state != nil)
    }
}

/// Statements loaded from a file are placed on the file's lines; `train` and `load` do
/// what `help` says.
@Suite struct ReplLoadedFileTests {
    static let script = """
        # a comment, then a blank line

        seed 1
        model < layer1: linear 4 8; relu; layer2: linear 8 3 >
        # groups
        group layer1 lr 0.1 as g1

        group layer2 lr 0.01
        data synthetic samples 32 classes 3
        train epochs 3 batch 8
        show lr
        """

    static func session() -> ReplSession {
        let directory = Fixtures.temporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory + "/two.lrs", contents: Data(script.utf8))
        let session = ReplSession(directory: directory)
        session.verbose = false
        let reply = session.enter("load two.lrs")
        #expect(!reply.failed, "\(reply.messages) \(reply.problems.map(\.diagnostic.message))")
        return session
    }

    @Test func explainNamesTheFilesLines() {
        let session = Self.session()
        let reply = session.enter("explain layer2.bias")
        #expect(reply.output.contains("passed group 'g1' (line 6 of two.lrs)"), "\(reply.output)")
        #expect(reply.output.contains("taken by group 'layer2' (line 8 of two.lrs)"), "\(reply.output)")
        #expect(!session.enter("freeze layer2").failed)
        #expect(session.enter("explain layer2.bias").output.contains("at line 3 of <repl>"))
    }

    @Test func notesPointIntoTheFileTheyCameFrom() {
        let session = Self.session()
        let reply = session.enter("group layer2 lr 0.3 as g1")
        #expect(reply.problems.count == 2)
        let note = reply.problems.last
        #expect(note?.diagnostic.severity == .note)
        #expect(note?.source.path == "two.lrs")
        #expect(note.map { $0.source.location(of: $0.diagnostic.range?.start ?? 0).line } == 6)
    }

    @Test func loadRunsNothingAndTrainAloneRunsTheScriptsTraining() {
        let session = Self.session()
        #expect(session.state?.step == 0)
        let reply = session.enter("train")
        #expect(!reply.failed, "\(reply.messages)")
        #expect(session.state?.epoch == 3, "the script's 'train epochs 3', not one epoch")
        #expect(session.state?.step == 12)
        let undone = session.enter("undo")
        #expect(undone.output.hasPrefix("undid 'train'; now epoch 0, step 0"), "\(undone.output)")
        #expect(!session.enter("step 2").failed)
        #expect(session.enter("undo").output.hasPrefix("undid 'step 2'"))
    }
}

/// Tab completion offers only what parses where the cursor is.
@Suite struct ReplCompletionTests {
    static let names = ReplCompletion.Names(groups: ["enc_group", "base.fc"], layers: ["c1", "1", "head"],
                                            parameters: ["c1.weight", "c1.bias", "1.weight", "head.bias"])

    func complete(_ line: String, _ word: String) -> [String] {
        ReplCompletion.candidates(line: line + word, word: word, names: Self.names) { ["<path>"] }
    }

    @Test func parameterNamesInsideQuotesOfASelectorOnly() {
        #expect(complete("group \"", "c1.b") == ["c1.bias"])
        #expect(complete("freeze \"", "") == ["c1.weight", "c1.bias", "1.weight", "head.bias"])
        #expect(complete("group ", "c1.b").isEmpty, "a bare c1.bias does not parse in a selector")
        #expect(complete("group ", "c1") == ["c1"])
        #expect(complete("group ", "1").isEmpty, "a layer named 1 is a number there")
        #expect(complete("data npy \"", "x") == ["<path>"])
        #expect(complete("show param ", "c1.") == ["c1.weight", "c1.bias"])
        #expect(complete("explain ", "he") == ["head.bias"])
        #expect(complete("schedule ", "") == ["enc_group"])
        #expect(complete("help ", "tr") == ["train"])
    }
}

/// The REPL's commands name the nearest parameters when a name is wrong.
@Suite struct ReplSuggestionTests {
    @Test func explainAndShowGradSuggest() {
        let session = ReplSessionTests.session()
        #expect(session.enter("explain a.wieght").messages
                == ["no parameter is named 'a.wieght'; did you mean 'a.weight' or 'b.weight'?"])
        #expect(session.enter("show grad b.bais").messages == ["no parameter is named 'b.bais'; did you mean 'b.bias' or 'a.bias'?"])
        #expect(session.enter("explain zzz").messages
                == ["no parameter is named 'zzz'; the parameters are 'a.weight', 'a.bias', 'b.weight' and 'b.bias'"])
    }
}
