import LRSLanguage

extension ReplSession {
    /// Statements of the language: checked with the whole script, then kept (declarations)
    /// or carried out (`show`, `save`, `train`). Nothing changes unless all of it is valid.
    /// `runActions` false (loading a file) keeps the declarations and the `train` settings
    /// without carrying out `show`, `save` or `train`.
    func statements(_ text: String, origin: ReplSourceMap.Origin, observer: TrainingObserver?,
                    into reply: inout ReplReply, runActions: Bool = true) {
        let typed = SourceFile(path: "<repl>", text: text)
        let parsed = Parser.parse(typed).script.statements
        // `train` alone runs the script's training (its epochs, batch, loss), as `lrs run`
        // would; `train` with options is a `train` statement of its own.
        if runActions, parsed.count == 1, case .train(let options) = parsed[0].kind, options.isEmpty,
           let settings = latest?.train, run != nil {
            let before = snapshot()
            do throws(Diagnostic) {
                if try train(settings, observer: observer, into: &reply) { push(before) }
            } catch {
                // A failed step (a non-finite loss): placed at this entry.
                push(before)
                reply.report([Diagnostic(error.severity, error.condition, at: nil, notes: [])], in: source(""))
            }
            return
        }
        var added: [Entry] = []
        for statement in parsed where !Self.actionKeywords.contains(statement.keyword.text) {
            var name: String?
            if case .let(let n, _) = statement.kind { name = n.text }
            added.append(Entry(keyword: statement.keyword.text, name: name, text: typed.text(of: statement.range),
                               origin: Self.origin(of: statement.range.start, in: typed.bytes, from: origin)))
        }
        // A second singular statement replaces the first; a `let` of a known name replaces
        // it where it stands (later statements use it), and is blanked where it was typed.
        var facts = takeFacts()
        var kept = entries
        var replaced = false
        var blanked = Array(text.utf8)
        var appended: [Entry] = []
        for (entry, statement) in zip(added, parsed.filter { !Self.actionKeywords.contains($0.keyword.text) }) {
            if let name = entry.name,
               let index = replaced || facts == nil ? kept.firstIndex(where: { $0.name == name }) : facts?.letPositions[name] {
                kept[index] = entry
                replaced = true
                for i in statement.range.start ..< min(statement.range.end, blanked.count) where blanked[i] != UInt8(ascii: "\n") {
                    blanked[i] = UInt8(ascii: " ")
                }
                continue
            }
            if Self.replacedKeywords.contains(entry.keyword) {
                let family: Set<String> = entry.keyword == "validate" || entry.keyword == "split" ? ["validate", "split"] : [entry.keyword]
                if kept.contains(where: { family.contains($0.keyword) }) {
                    kept.removeAll { family.contains($0.keyword) }
                    replaced = true
                }
            }
            appended.append(entry)
        }
        if replaced { facts = nil }
        // The kept statements when they are not simply `entries` (which then grow in place).
        let keptIfReplaced = replaced ? kept : nil
        let keptCount = kept.count
        kept = []
        let entryBytes = Array(appended.map { $0.text + "\n" }.joined().utf8)
        let candidateBytes = blanked + [UInt8(ascii: "\n")]
        let checked: CheckResult
        let offset: Int
        // Where the entry's checked statements begin, when known without a search.
        var firstNew: Int?
        // The check of the kept statements with the appended ones, for the run and the next
        // entry: the entry's own check when it is exactly those statements.
        var entriesCheck: (result: CheckResult, facts: ReplSessionFacts)?
        let hadModel = facts?.hasModel
        if var extended = facts {
            // Only statements appended: checked against what was checked before. Moved out
            // of `facts`, so that it is extended in place.
            facts = nil
            offset = extended.prefix.source.bytes.count
            firstNew = extended.prefix.checkedCount
            if candidateBytes == entryBytes {
                checked = extended.prefix.add(candidateBytes)
                extended.note(appended, from: keptCount)
                entriesCheck = (checked, extended)
            } else {
                var trial = extended.prefix
                checked = trial.add(candidateBytes)
                if !checked.diagnostics.contains(where: { $0.severity == .error && !Self.isPending($0) }) {
                    let result = extended.prefix.add(entryBytes)
                    extended.note(appended, from: keptCount)
                    entriesCheck = (result, extended)
                }
            }
        } else {
            let before = keptIfReplaced ?? entries
            offset = before.reduce(0) { $0 + $1.text.utf8.count + 1 }
            checked = Checker.check(source(String(decoding: before.flatMap { Array($0.text.utf8) + [UInt8(ascii: "\n")] } + candidateBytes,
                                                  as: UTF8.self)))
        }
        // Where what is checked came from, built only for what it reports. Until the entry
        // is kept, and after, the kept statements before it are the first `keptCount`.
        let map = { [unowned self] in
            ReplSourceMap((keptIfReplaced ?? Array(self.entries.prefix(keptCount))).map { (Array($0.text.utf8), $0.origin) }
                + [(typed.bytes, origin)])
        }
        let hasModel = appended.contains { $0.keyword == "model" }
            || (hadModel ?? (keptIfReplaced ?? entries).contains { $0.keyword == "model" })
        // Keeps the entry's statements (and what is known of them, for the next entry).
        let keep = { [unowned self] in
            if let keptIfReplaced { entries = keptIfReplaced + appended } else { entries.append(contentsOf: appended) }
            self.facts = entriesCheck?.facts
        }

        var candidateDiagnostics = checked.diagnostics
        var script = checked.script
        if checked.script != nil {
            let outcome = CheckPipeline.run(checked: checked)
            candidateDiagnostics = outcome.diagnostics
            script = outcome.script
        }
        // A setup typed a line at a time is incomplete for a while (no model yet, parameters
        // in no group yet): accepted, with no run until it is complete.
        let pending = candidateDiagnostics.filter { $0.severity == .error && Self.isPending($0) }
        let worth = candidateDiagnostics.filter { d in
            !Self.isPending(d) && (d.severity == .error || (d.range.map { $0.start >= offset } ?? false))
        }
        let shown = worth.filter { $0.range != nil || $0.severity == .error }
        if !shown.isEmpty { reply.problems += shown.flatMap(map().problems) }
        if worth.hasErrors { return }
        let actions = !runActions ? [] : parsed.filter { Self.actionKeywords.contains($0.keyword.text) || $0.keyword.text == "train" }
        if !pending.isEmpty || !hasModel {
            let why = Self.incompleteness(pending, hasModel: hasModel)
            if !actions.isEmpty {
                reply.fail("the setup is incomplete: " + why)
                return
            }
            if hasTrained { reply.output += "note: the trained run is set aside ('undo' brings it back)\n" }
            push(snapshot(appending: !replaced, weights: false))
            keep()
            run = nil
            trainer = nil
            pendingProgress = nil
            latest = nil
            if hasModel && verbose { reply.output += "setup incomplete: " + why + "\n" }
            return
        }
        guard let script else { return }

        // Only what changes the session is a step `undo` goes back over (not `show`, `save`).
        let changes = !added.isEmpty || parsed.contains { $0.keyword.text == "train" }
        // The weights are copied only when the entry trains the run in place.
        let before = changes ? snapshot(appending: !replaced, weights: runActions && parsed.contains { $0.keyword.text == "train" }) : nil
        // A new `let` changes nothing before it; a replaced one may.
        let changesSetup = appended.contains { !["train", "checkpoint", "let"].contains($0.keyword) } || replaced
        let entryStatements = firstNew.map { Array(script.statements[Swift.min($0, script.statements.count)...]) }
            ?? script.statements.filter { statementStart($0) >= offset }
        let newTrain = entryStatements.compactMap { s -> CheckedTrain? in
            if case .train(let t) = s, t.range.start >= offset { return t }
            return nil
        }.last
        if changesSetup || run == nil || (newTrain != nil && !hasTrained) {
            var options = ScriptRun.Options()
            options.acceptsCheckpointModel = true
            let prepared = entriesCheck.map { ScriptRun.prepare(checked: $0.result, options: options) }
                ?? ScriptRun.prepare(source(((keptIfReplaced ?? entries) + appended).map { $0.text + "\n" }.joined()),
                                     options: options)
            switch prepared {
            case .failure(let list):
                reply.problems += list.diagnostics.filter { $0.severity == .error }
                    .flatMap(sourceMap((keptIfReplaced ?? entries) + appended).problems)
                return
            case .success(let rebuilt):
                if hasTrained {
                    reply.output += "note: the setup changed, so the run was rebuilt from the script (epoch 0, step 0); 'undo' goes back\n"
                }
                run = rebuilt
                trainer = nil
            }
        } else if let newTrain, let run {
            let batch = run.script.train?.batch ?? 32
            if newTrain.batch != batch {
                reply.fail("this run takes batches of \(batch) (its steps per epoch depend on it); 'reset' to change the batch size")
                return
            }
            trainer = nil
            pendingProgress = before?.progress
        }
        keep()
        // Settings of the statements before, when they are known, and the entry's.
        if firstNew != nil, let known = latest {
            latest = known.adding(entryStatements)
        } else {
            latest = ReplSettings(script)
        }
        if let before { push(before) }
        guard runActions else { return }
        let started = execute(entryStatements.filter { statementStart($0) >= offset }, map: map,
                              observer: observer, into: &reply)
        if !started {
            // The entry's `train` could not start: the entry does not apply at all.
            if let before {
                undoStack.removeLast()
                restore(before)
            }
        }
    }

    static func isPending(_ diagnostic: Diagnostic) -> Bool {
        switch diagnostic.condition {
        case .missingModel, .unassignedParameter: return true
        default: return false
        }
    }

    /// "parameters b.weight, b.bias are in no group yet".
    static func incompleteness(_ pending: [Diagnostic], hasModel: Bool) -> String {
        guard hasModel else { return "there is no 'model' statement yet" }
        let names = pending.compactMap { d -> String? in
            if case .unassignedParameter(let name) = d.condition { return name }
            return nil
        }
        let listed = names.prefix(6).joined(separator: ", ") + (names.count > 6 ? ", ..." : "")
        return (names.count == 1 ? "parameter \(listed) is" : "parameters \(listed) are")
            + " in no group yet (add a group, or freeze them)"
    }

    /// Whether the run has taken optimizer steps (so a rebuild would lose them).
    var hasTrained: Bool { (run?.state.step ?? 0) > 0 || trainer?.progress != nil }

    func statementStart(_ statement: CheckedStatement) -> Int {
        switch statement {
        case .show(let s): return s.range.start
        case .save(let f): return f.range.start
        case .train(let t): return t.range.start
        default: return -1
        }
    }

    /// Carries out the `show`, `save` and `train` statements just entered, in order; false
    /// when a `train` could not start.
    func execute(_ statements: [CheckedStatement], map: () -> ReplSourceMap, observer: TrainingObserver?,
                 into reply: inout ReplReply) -> Bool {
        guard let run else { return true }
        for statement in statements {
            switch statement {
            case .show(let show):
                reply.output += ShowText.render(show, state: run.state)
            case .save(let file):
                save(to: file.path, shownAs: file.written, into: &reply)
            case .train(let settings):
                do throws(Diagnostic) {
                    if try !train(settings, observer: observer, into: &reply) { return false }
                } catch {
                    reply.problems += map().problems(error)
                    return true
                }
            default:
                break
            }
        }
        return true
    }

    /// Where a statement that starts at `offset` of an entry was typed: its line and byte
    /// column, counted from where the entry began.
    static func origin(of offset: Int, in bytes: [UInt8], from entry: ReplSourceMap.Origin) -> ReplSourceMap.Origin {
        let before = bytes[..<Swift.max(0, Swift.min(offset, bytes.count))]
        let lines = before.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return ReplSourceMap.Origin(path: entry.path, line: entry.line + lines,
                                    column: (lines == 0 ? entry.column : 0) + before.count - lineStart)
    }
}
