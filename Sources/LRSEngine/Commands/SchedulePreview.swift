import LRSLanguage
import LRSOptim

/// What `lrs schedule` computes: every group's learning rate for every optimizer step of
/// `epochs` x `stepsPerEpoch`, without training. Plateau schedules, which need losses, are
/// held constant and reported with a warning.
public enum SchedulePreview {
    /// Epochs shown for a script without `train` (`lrs schedule`, the REPL's `plot lr`).
    public static let epochsWithoutTrain = 10

    /// What `lrs schedule` prints: every diagnostic in the order found, and the table
    /// unless there were errors.
    public struct Outcome {
        public let diagnostics: [Diagnostic]
        public let table: RateTable?
    }

    /// `lrs schedule`, phase by phase: check and resolve the groups, settle the epochs and
    /// the steps per epoch (given, else the script's, with a note saying where they came
    /// from), then compute the rates.
    public static func run(_ source: SourceFile, overrides: [String: Double] = [:], epochs: Int?,
                           stepsPerEpoch: Int?, parameter: ScheduledHyperparameter = .learningRate) -> Outcome {
        // The options give the run-length names (section 15) before the script does.
        // It computes the rates: a run length the script leaves open is an error here.
        let options = Checker.Options(runLength: RunLength(epochs: epochs, stepsPerEpoch: stepsPerEpoch),
                                      leavesRunLengthOpen: false)
        let checked = CheckPipeline.run(source, overrides: overrides, options: options) { ModelFactory($0).initialValues }
        var diagnostics = checked.diagnostics
        guard let script = checked.script, let resolution = checked.resolution else {
            return Outcome(diagnostics: diagnostics, table: nil)
        }
        var count = epochs ?? script.train?.epochs ?? 0
        if epochs == nil, script.train == nil {
            count = epochsWithoutTrain
            diagnostics.append(.note(.noTrainStatement(epochs: count), at: nil))
        }
        let steps = stepsPerEpoch ?? scriptStepsPerEpoch(script, notes: &diagnostics)
        let result = parameter == .learningRate ? rates(script, resolution, epochs: count, stepsPerEpoch: steps)
            : values(of: parameter, resolution, epochs: count, stepsPerEpoch: steps)
        switch result {
        case .failure(let diagnostic):
            return Outcome(diagnostics: diagnostics + [diagnostic], table: nil)
        case .success(let (table, warnings)):
            return Outcome(diagnostics: diagnostics + warnings, table: table)
        }
    }

    /// The script's own steps per epoch when it has `data` and `train` (a note says where
    /// the number came from), else 1.
    static func scriptStepsPerEpoch(_ script: CheckedScript, notes: inout [Diagnostic]) -> Int {
        switch TrainingSampleCount.of(script) {
        case nil:
            return 1
        case .success(let count)?:
            notes.append(.note(.stepsPerEpochFromData(steps: count.stepsPerEpoch, origin: count.origin,
                                                      batch: count.batch, accumulate: script.train?.accumulate ?? 1),
                               at: nil))
            return count.stepsPerEpoch
        case .failure(let problem)?:
            notes.append(.note(.stepsPerEpochUnknown(reason: problem.reason), at: nil))
            return 1
        }
    }

    /// `lrs schedule --param weight_decay|momentum`: that hyperparameter of every group whose
    /// kind has it, moved by its schedule where one does, else held at the group's value.
    static func values(of parameter: ScheduledHyperparameter, _ resolution: GroupResolution, epochs: Int,
                       stepsPerEpoch: Int) -> Result<(RateTable, [Diagnostic]), Diagnostic> {
        var groups: [RateTable.Group] = []
        var warnings: [Diagnostic] = []
        for group in resolution.groups where parameter.isTaken(by: group.optimizerKind) {
            let config = OptimizerLowering.config(for: group)
            let scheduled: HyperparameterSchedule?
            do {
                scheduled = try GroupScheduleLowering.hyperparameterSchedules(group, config: config, stepsPerEpoch: stepsPerEpoch)
                    .first { $0.hyperparameter == parameter }
            } catch {
                return .failure(error)
            }
            if let statement = group.hyperparameterSchedules.first(where: { $0.hyperparameter == parameter }),
               ScheduleLowering.dependsOnLoss(statement.schedule) {
                warnings.append(.warning(.plateauHeldConstant(group: group.name, what: "'\(parameter.rawValue)'"),
                                         at: statement.range))
            }
            var value = config
            scheduled?.apply(to: &value)
            let initial: Double
            switch parameter {
            case .learningRate: initial = value.learningRate
            case .weightDecay: initial = value.weightDecay
            case .momentum:
                initial = Momentum.cycled(for: config.kind, momentum: value.momentum, beta1: value.beta1)?.value ?? 0
            }
            groups.append(RateTable.Group(name: group.name, lr: initial, schedule: scheduled?.schedule,
                                          perStep: scheduled?.perStep ?? false))
        }
        do {
            return .success((try RateTable.compute(groups, epochs: epochs, stepsPerEpoch: stepsPerEpoch), warnings))
        } catch {
            let group = resolution.groups.first { $0.name == error.group }
            let range = group?.hyperparameterSchedules.first { $0.hyperparameter == parameter }?.range ?? group?.range
            return .failure(ScheduleFailure.diagnostic(error.error, group: error.group ?? "?", epoch: error.epoch,
                                                       step: error.step, at: range))
        }
    }

    public static func rates(_ script: CheckedScript, _ resolution: GroupResolution, epochs: Int,
                             stepsPerEpoch: Int) -> Result<(RateTable, [Diagnostic]), Diagnostic> {
        var groups: [RateTable.Group] = []
        var warnings: [Diagnostic] = []
        for group in resolution.groups {
            let lowered: GroupScheduleLowering.Lowered
            do {
                lowered = try GroupScheduleLowering.make(group, stepsPerEpoch: stepsPerEpoch)
            } catch {
                return .failure(error)
            }
            if let statement = group.schedule, ScheduleLowering.dependsOnLoss(statement.schedule) {
                warnings.append(.warning(.plateauHeldConstant(group: group.name), at: statement.range))
            }
            groups.append(RateTable.Group(name: group.name, lr: lowered.schedule?.lr ?? group.learningRate,
                                          schedule: lowered.schedule, perStep: lowered.perStep))
        }
        do {
            return .success((try RateTable.compute(groups, epochs: epochs, stepsPerEpoch: stepsPerEpoch), warnings))
        } catch {
            let group = resolution.groups.first { $0.name == error.group }
            let range = group?.schedule?.range ?? group?.range
            return .failure(ScheduleFailure.diagnostic(error.error, group: error.group ?? "?", epoch: error.epoch,
                                                       step: error.step, at: range))
        }
    }
}
