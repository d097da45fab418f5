import Foundation
import LRSLanguage

extension ReplSession {
    /// The REPL's own commands (`ReplInput.commands`, `save FILE`, `show grad NAME`).
    func command(_ text: String, observer: TrainingObserver?, into reply: inout ReplReply) {
        let (word, rest) = ReplInput.split(text)
        let arguments = rest.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        do throws(Diagnostic) {
            switch word {
            case "quit", "exit":
                reply.quit = true
            case "help":
                reply.output += ReplHelp.text(topic: arguments.first)
            case "step":
                guard let n = count(arguments, "step", into: &reply) else { return }
                let before = snapshot()
                try step(n, observer: observer, into: &reply)
                if !reply.failed { push(before) }
            case "epoch":
                guard let n = count(arguments, "epoch", into: &reply) else { return }
                let before = snapshot()
                try epochs(n, observer: observer, into: &reply)
                if !reply.failed { push(before) }
            case "explain":
                explain(arguments, into: &reply)
            case "plot":
                plot(arguments, into: &reply)
            case "undo":
                guard let last = undoStack.popLast() else {
                    reply.fail("nothing to undo")
                    return
                }
                restore(last)
                reply.output += "undid '\(last.what)'" + (state == nil ? "\n" : "; now " + position())
            case "reset":
                push(snapshot())
                entries = []
                run = nil
                trainer = nil
                pendingProgress = nil
                latest = nil
                reply.output += "the session is empty ('undo' brings it back)\n"
            case "load":
                load(unquoted(rest), observer: observer, into: &reply)
            case "save":
                let path = unquoted(rest)
                save(to: path.hasPrefix("/") ? path : directory + "/" + path, shownAs: path, into: &reply)
            case "show":
                let name = arguments.dropFirst().first ?? ""
                guard let state else { return reply.fail(noRun) }
                guard state.model.parameters.contains(where: { $0.name == name }) else {
                    return reply.fail(Self.unknownParameter(name, among: state.model.parameters.map(\.name)))
                }
                reply.output += ShowText.parameter(name, state: state, gradient: true)
            default:
                reply.fail("unknown command '\(word)'")
            }
        } catch {
            // Training failed (a non-finite loss): the state is as the failed step left it.
            reply.report([Diagnostic(error.severity, error.condition, at: nil, notes: [])], in: source(scriptText))
        }
    }

    /// The N of `step [N]` / `epoch [N]` (default 1).
    private func count(_ arguments: [String], _ word: String, into reply: inout ReplReply) -> Int? {
        guard let first = arguments.first else { return 1 }
        guard arguments.count == 1, let n = Int(first), n >= 1, n <= 100_000_000 else {
            reply.fail("'\(word)' takes a count from 1 on (\(word) 10)")
            return nil
        }
        return n
    }

    private func unquoted(_ text: String) -> String {
        var t = text.trimmingWhitespace
        if t.count >= 2, t.hasPrefix("\""), t.hasSuffix("\"") { t = String(t.dropFirst().dropLast()) }
        return t
    }

    /// `explain PARAM`: which group took it and why.
    private func explain(_ arguments: [String], into reply: inout ReplReply) {
        guard let run else { return reply.fail(noRun) }
        guard arguments.count == 1, let name = arguments.first else { return reply.fail("usage: explain PARAM (explain fc.weight)") }
        // The run's script is the kept statements joined (or a prefix of them, when only
        // statements were appended since it was built): each from where it was typed or loaded.
        let map = sourceMap(entries)
        let place: ((SourceRange) -> String)? = map.joined.starts(with: run.script.source.bytes)
            ? { map.place(of: $0.start) ?? "" } : nil
        guard let lines = GroupExplanation.explain(name, in: run.script, run.resolution,
                                                   initialValues: ModelFactory(run.script).initialValues,
                                                   place: place) else {
            return reply.fail(Self.unknownParameter(name, among: run.script.model.parameters.map(\.name)))
        }
        reply.output += lines.map { $0 + "\n" }.joined()
    }

    /// "no parameter is named 'a.wieght'; did you mean 'a.weight'?", else the names there are.
    static func unknownParameter(_ name: String, among names: [String]) -> String {
        DiagnosticCondition.unknownParameter(name, suggestions: Suggestions.nearest(to: name, in: names),
                                             names: names).message
    }

    /// `plot lr [epochs N]`: every group's rate over the run, as a chart.
    private func plot(_ arguments: [String], into reply: inout ReplReply) {
        guard let run else { return reply.fail(noRun) }
        var epochs = latest?.train?.epochs ?? run.script.train?.epochs ?? SchedulePreview.epochsWithoutTrain
        switch arguments.count {
        case 1 where arguments[0] == "lr": break
        case 3 where arguments[0] == "lr" && arguments[1] == "epochs":
            guard let n = Int(arguments[2]), n >= 1, n <= 100_000 else { return reply.fail("'epochs' takes a count from 1 to 100000") }
            epochs = n
        default:
            return reply.fail("usage: plot lr [epochs N]")
        }
        switch SchedulePreview.rates(run.script, run.resolution, epochs: epochs, stepsPerEpoch: run.state.stepsPerEpoch) {
        case .failure(let diagnostic):
            report([diagnostic], of: run.script.source, into: &reply)
        case .success(let (table, warnings)):
            report(warnings, of: run.script.source, into: &reply)
            reply.output += RateChart.render(table, width: width)
        }
    }

    /// `load FILE`: the script replaces the session (declarations and `train` settings
    /// kept; nothing runs: `train` then runs its training); on errors nothing changes.
    private func load(_ path: String, observer: TrainingObserver?, into reply: inout ReplReply) {
        guard !path.isEmpty else { return reply.fail("usage: load FILE.lrs") }
        let full = path.hasPrefix("/") ? path : directory + "/" + path
        guard let file = SourceFile(contentsOf: full) else { return reply.fail(SourceFile.cannotRead(full, shownAs: path)) }
        let displayed = SourceFile(path: path, bytes: file.bytes)
        let checked = Checker.check(file)
        reply.report(checked.diagnostics.filter { $0.severity == .error }, in: displayed)
        if checked.hasErrors { return }
        let before = snapshot()
        entries = []
        run = nil
        trainer = nil
        pendingProgress = nil
        latest = nil
        directory = file.directory
        let undoSteps = undoStack
        var loaded = ReplReply()
        statements(file.text, origin: ReplSourceMap.Origin(path: path, line: 1, column: 0), observer: observer,
                   into: &loaded, runActions: false)
        reply.output += loaded.output
        reply.messages += loaded.messages
        reply.problems += loaded.problems.filter { $0.diagnostic.severity != .note }
        // One undo step for the whole load, whatever `statements` pushed.
        undoStack = undoSteps
        if entries.isEmpty {
            restore(before)
        } else {
            push(before)
            if verbose {
                reply.output += "loaded \(path): \(entries.count) statements"
                    + (entries.contains { $0.keyword == "train" } ? "; nothing ran: 'train' runs its training, 'step' and 'epoch' step through it" : "") + "\n"
            }
        }
    }
}
