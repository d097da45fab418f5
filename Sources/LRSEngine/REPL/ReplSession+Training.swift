import Foundation
import LRSLanguage

extension ReplSession {
    /// The trainer for `step`, `epoch` and `train`: the script's `train` settings (or the
    /// defaults), continuing the epoch in progress.
    func currentTrainer(_ settings: CheckedTrain? = nil) throws(ReplFailure) -> Trainer {
        guard let run else { throw ReplFailure(noRun) }
        if let file = run.script.model.file {
            throw ReplFailure(DiagnosticCondition.checkpointModelNotRunnable(file.file.written).message)
        }
        guard let data = run.data else { throw ReplFailure("training needs a 'data' statement") }
        guard data.training.count > 0 else { throw ReplFailure("the training data has no samples") }
        if let trainer, settings == nil { return trainer }
        guard let chosen = settings ?? latest?.train ?? defaultTrain() else {
            throw ReplFailure("cannot choose the training settings; type a 'train' statement")
        }
        let made: Trainer
        do { made = try Trainer(state: run.state, data: data, settings: chosen) } catch { throw ReplFailure(error.message) }
        made.progress = trainer?.progress ?? pendingProgress
        pendingProgress = nil
        if settings == nil { trainer = made }
        return made
    }

    /// `train` with every default, as the script would have it.
    func defaultTrain() -> CheckedTrain? {
        Checker.check(source(scriptText + "train\n")).script?.train
    }

    /// Why there is no run: no model yet, or parameters in no group yet.
    var noRun: String {
        guard entries.contains(where: { $0.keyword == "model" }) else {
            return "there is no model yet: type a 'model' statement first"
        }
        let outcome = CheckPipeline.run(source(scriptText))
        return "the setup is incomplete: "
            + Self.incompleteness(outcome.diagnostics.filter { Self.isPending($0) }, hasModel: true)
    }

    /// `train [epochs N] ...`: trains until epoch N of the run, like a script. False when
    /// training cannot start (no data, a loss that does not fit the model).
    func train(_ settings: CheckedTrain, observer: TrainingObserver?, into reply: inout ReplReply) throws(Diagnostic) -> Bool {
        let made: Trainer
        do { made = try currentTrainer(settings) } catch {
            reply.fail(error.message)
            return false
        }
        trainer = made
        guard let state else { return true }
        while state.epoch < settings.epochs {
            let outcome = try made.advance(maxSteps: nil, observer: observer)
            if finish(outcome, observer: observer, into: &reply) { return true }
        }
        reply.output += position()
        return true
    }

    /// `step [N]`: N optimizer steps, across epoch boundaries.
    func step(_ count: Int, observer: TrainingObserver?, into reply: inout ReplReply) throws(Diagnostic) {
        let made: Trainer
        do { made = try currentTrainer() } catch {
            reply.fail(error.message)
            return
        }
        var remaining = count
        var lastLoss: Double?
        while remaining > 0 {
            let outcome = try made.advance(maxSteps: remaining, observer: observer)
            remaining -= outcome.steps
            lastLoss = outcome.lastLoss ?? lastLoss
            if finish(outcome, observer: observer, into: &reply) { return }
        }
        reply.output += position(loss: lastLoss)
    }

    /// `epoch [N]`: N epochs; the rest of an epoch in progress counts as one.
    func epochs(_ count: Int, observer: TrainingObserver?, into reply: inout ReplReply) throws(Diagnostic) {
        let made: Trainer
        do { made = try currentTrainer() } catch {
            reply.fail(error.message)
            return
        }
        for _ in 0 ..< count {
            let outcome = try made.advance(maxSteps: nil, observer: observer)
            if finish(outcome, observer: observer, into: &reply) { return }
        }
        reply.output += position()
    }

    /// Reports a finished epoch and writes due checkpoints; true when Ctrl-C stopped it.
    private func finish(_ outcome: Trainer.Advance, observer: TrainingObserver?, into reply: inout ReplReply) -> Bool {
        if let report = outcome.report {
            observer?.epochFinished(report)
            if let state, let latest {
                for (every, file) in latest.checkpoints where every > 0 && state.epoch % every == 0 {
                    save(to: file.path, shownAs: file.written, into: &reply)
                }
            }
        }
        guard outcome.stopped else { return false }
        reply.output += "interrupted: " + position()
        return true
    }

    /// "epoch 1, step 40 (batch 8 of 32 in progress)".
    func position(loss: Double? = nil) -> String {
        guard let state else { return "" }
        var text = "epoch \(state.epoch), step \(state.step)"
        if let trainer, let progress = trainer.progress {
            text += " (\(progress.nextBatch) of \(trainer.batchesPerEpoch) batches into epoch \(state.epoch + 1))"
        }
        if let loss { text += ", loss \(String(format: "%.6g", loss))" }
        return text + "\n"
    }

    func save(to path: String, shownAs name: String, into reply: inout ReplReply) {
        guard let state else {
            reply.fail(noRun)
            return
        }
        do {
            try Checkpoint.save(state, to: path)
            reply.output += "saved \(name)"
            if let progress = trainer?.progress {
                reply.output += " (mid-epoch: \(progress.nextBatch) batches into epoch \(state.epoch + 1); a resumed run restarts that epoch)"
            }
            reply.output += "\n"
        } catch {
            reply.fail("cannot save '\(name)': \(error)")
        }
    }
}

/// A REPL command that cannot be carried out, in words.
struct ReplFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
