import LRSFiles
import Foundation
import LRSLanguage
import LRSRuntime

/// What `lrs run` does with one script: check it, lower it onto the runtime, then carry out
/// its statements in order (`show`, `train`, `save`, `checkpoint`).
public final class ScriptRun {
    public struct Options: Sendable {
        public var overrides: [String: Double] = [:]
        /// `--trace FILE`: the per-step JSONL trace.
        public var tracePath: String?
        /// `--resume FILE`: continue from a checkpoint.
        public var resumePath: String?
        /// Relative `save`/`checkpoint` paths go here instead of beside the script (batches).
        public var outputDirectory: String?
        /// Whether a model from a checkpoint is accepted, as a run with no layers that shows
        /// and explains its groups: the REPL's, whose training refuses it. `lrs run` refuses it.
        public var acceptsCheckpointModel = false

        public init() {}
    }

    public let script: CheckedScript
    public let resolution: GroupResolution
    public let state: TrainingState
    public let data: RunData?
    let options: Options
    /// Warnings and notes from checking, for the caller to print.
    public let diagnostics: [Diagnostic]
    /// Notes on what the run did, for the caller to print after it: nothing trained, or
    /// a resumed run that was already complete.
    public private(set) var notes: [Diagnostic] = []
    /// The last checkpoint written (as the script names it) and the epochs it holds.
    public private(set) var lastCheckpoint: (file: String, epoch: Int)?
    /// The files `save` wrote, as the script names them.
    var saved: [String] = []

    /// Checks and lowers the script; every problem comes back as diagnostics (errors mean
    /// nothing runs).
    public static func prepare(_ source: SourceFile, options: Options) -> Result<ScriptRun, DiagnosticList> {
        prepare(checked: Checker.check(source, overrides: options.overrides), options: options)
    }

    /// Lowers a script already checked with `options.overrides`.
    public static func prepare(checked: CheckResult, options: Options) -> Result<ScriptRun, DiagnosticList> {
        // A model from a checkpoint has names and shapes, not an architecture: nothing to run.
        // Refused from the syntax, so the refusal comes whatever else the script's errors are.
        for statement in checked.syntax.statements where !options.acceptsCheckpointModel {
            guard case .model(let model) = statement.kind, let file = model.file else { continue }
            let refusal = Diagnostic.error(.checkpointModelNotRunnable(file.value), at: statement.range)
            return .failure(DiagnosticList((checked.diagnostics.filter { $0.severity == .error } + [refusal]).inSourceOrder()))
        }
        var factory: ModelFactory?
        // Files the script writes are checked here too, before any data is read.
        let outcome = CheckPipeline.run(checked: checked) { script in
            let made = ModelFactory(script)
            factory = made
            return made.initialValues
        }.checkingOutputs(outputDirectory: options.outputDirectory)
        guard let script = outcome.script, let resolution = outcome.resolution, !outcome.diagnostics.hasErrors else {
            return .failure(DiagnosticList(outcome.diagnostics))
        }
        let models = factory ?? ModelFactory(script)
        do throws(Diagnostic) {
            let (model, generator) = try models.model().get()
            let data = try RunData.load(script).get()
            let batch = script.train?.batch ?? 32
            let accumulate = script.train?.optimizerSteps ?? { $0 }
            let steps = data.map { accumulate(Trainer.stepsPerEpoch(samples: $0.training.count, batch: batch)) } ?? 1
            if let train = script.train { try checkOneCycleLength(resolution, steps: train.epochs * steps) }
            let state = try TrainingState(script: script, resolution: resolution, model: model,
                                          generator: generator, stepsPerEpoch: steps)
            let run = ScriptRun(script: script, resolution: resolution, state: state, data: data, options: options,
                                diagnostics: outcome.diagnostics)
            if let path = options.resumePath { try run.resume(from: path) }
            return .success(run)
        } catch {
            return .failure(DiagnosticList(outcome.diagnostics + [error]))
        }
    }

    init(script: CheckedScript, resolution: GroupResolution, state: TrainingState, data: RunData?, options: Options,
         diagnostics: [Diagnostic]) {
        self.script = script
        self.resolution = resolution
        self.state = state
        self.data = data
        self.options = options
        self.diagnostics = diagnostics
    }

    /// A onecycle schedule must cover the run (torch raises when stepped past total_steps);
    /// the checker can tell only when it knows the data's size, so the run checks again.
    static func checkOneCycleLength(_ resolution: GroupResolution, steps: Int) throws(Diagnostic) {
        var seen = Set<Int>()
        for group in resolution.groups {
            guard let statement = group.schedule, statement.perStep, seen.insert(statement.range.start).inserted,
                  case .single(.onecycle, _, _) = statement.schedule,
                  let total = statement.schedule.argument("total_steps")?.number, Int(total) < steps
            else { continue }
            throw .error(.onecycleTooShort(totalSteps: Int(total), run: steps), at: statement.range)
        }
    }

    func resume(from path: String) throws(Diagnostic) {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile.read(path: path)
        } catch let error as FileFormatError {
            throw .error(.stateFile(path, reason: error.reason), at: nil)
        } catch {
            throw .error(.stateFile(path, reason: "\(error)"), at: nil)
        }
        if let problem = Checkpoint.restore(file, into: state, lastEpoch: script.train?.epochs) {
            throw .error(.stateFile(path, reason: problem.description), at: nil)
        }
    }

    /// Where a file the script writes goes.
    func outputPath(_ file: CheckedFile) -> String {
        OutputFiles.path(file, outputDirectory: options.outputDirectory)
    }

    /// Carries out the statements in order. `output` receives `show` text.
    public func execute(observer: TrainingObserver?, output: (String) -> Void) throws(Diagnostic) -> RunSummary {
        let clock = ContinuousClock.now
        var summary = RunSummary(status: .ok)
        // A `checkpoint` is a setting of the run, like a group: it applies to every `train`,
        // wherever it stands in the script.
        let checkpoints = script.statements.compactMap { statement -> (Int, CheckedFile)? in
            if case .checkpoint(let every, let file) = statement { return (every, file) }
            return nil
        }
        let trace = options.tracePath.map { TraceWriter(path: $0) }
        defer { try? trace?.finish() }
        for statement in script.statements {
            switch statement {
            case .show(let show):
                output(ShowText.render(show, state: state))
            case .save(let file):
                let path = outputPath(file)
                do { try Checkpoint.save(state, to: path) } catch {
                    throw .error(.stateFile(file.written, reason: "\(error)"), at: file.range)
                }
                saved.append(file.written)
            case .train(let settings):
                guard let data else { throw .error(.trainWithoutData, at: settings.range) }
                if state.epoch >= settings.epochs {
                    notes.append(.note(.runAlreadyComplete(epoch: state.epoch, epochs: settings.epochs), at: settings.range))
                }
                let trainer = try Trainer(state: state, data: data, settings: settings)
                trainer.trace = trace
                trainer.checkpoints = checkpoints.map { every, file in
                    let path = outputPath(file)
                    return (every, { [weak self] (state: TrainingState) throws(Diagnostic) in
                        do { try Checkpoint.save(state, to: path) } catch {
                            throw .error(.stateFile(file.written, reason: "\(error)"), at: file.range)
                        }
                        self?.lastCheckpoint = (file.written, state.epoch)
                    })
                }
                let reports = try trainer.run(observer: observer)
                if let last = reports.last {
                    summary.finalLoss = last.meanLoss
                    summary.finalAccuracy = last.accuracy
                }
                summary.epochs = state.epoch
                for r in reports {
                    if let v = r.validationLoss, v < (summary.bestValidationLoss ?? .infinity) { summary.bestValidationLoss = v }
                    if let a = r.validationAccuracy, a > (summary.bestValidationAccuracy ?? -1) { summary.bestValidationAccuracy = a }
                }
            default:
                break
            }
        }
        if script.train == nil {
            notes.append(.note(.nothingTrained(saved: saved), at: nil))
        }
        summary.seconds = (ContinuousClock.now - clock) / .seconds(1)
        return summary
    }

    /// What a run stopped by Ctrl-C says: where it stopped and what it had saved.
    public func interruption(epoch: Int, step: Int) -> DiagnosticCondition {
        .runInterrupted(epoch: epoch, step: step, epochs: script.train?.epochs ?? 0,
                        checkpoint: lastCheckpoint?.file, checkpointEpoch: lastCheckpoint?.epoch ?? 0,
                        trace: options.tracePath)
    }
}
