import LRSHyperparameters
import LRSLanguage
import LRSOptim
import LRSRuntime

/// Everything a run changes as it trains, lowered from a checked script: the model, one
/// optimizer per kind (groups in declaration order within it), each group's own schedule,
/// the global generator, and the position in the run. A checkpoint saves exactly this.
public final class TrainingState {
    public let script: CheckedScript
    public let resolution: GroupResolution
    public let model: Sequential
    public let generator: RandomGenerator
    public let optimizers: [Optimizer]
    /// For each resolved group (declaration order): its optimizer and index within it.
    let slots: [(optimizer: Int, group: Int)]
    /// Each group's schedule (nil: the rate stays), and whether it steps per optimizer step.
    var schedules: [GroupSchedule?]
    let perStep: [Bool]
    /// Each group's `weight_decay` and `momentum` schedules (section 15).
    var hyperparameterSchedules: [[HyperparameterSchedule]]
    /// Optimizer steps in one epoch, which relates a lambda's `epoch` and `step`.
    public let stepsPerEpoch: Int
    /// Epochs completed and optimizer steps taken.
    public internal(set) var epoch = 0
    public internal(set) var step = 0

    /// Lowers the script. `stepsPerEpoch` comes from the training data (1 without data).
    public init(script: CheckedScript, resolution: GroupResolution, model: Sequential,
                generator: RandomGenerator, stepsPerEpoch: Int) throws(Diagnostic) {
        self.script = script
        self.resolution = resolution
        self.model = model
        self.generator = generator
        self.stepsPerEpoch = max(stepsPerEpoch, 1)
        let parameters = Dictionary(model.parameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        for name in resolution.frozen { parameters[name]?.requiresGrad = false }

        var kinds: [OptimizerKind] = []
        var groupsByKind: [OptimizerKind: [ParamGroup]] = [:]
        var slots: [(optimizer: Int, group: Int)] = []
        var schedules: [GroupSchedule?] = []
        var perStep: [Bool] = []
        var hyperparameterSchedules: [[HyperparameterSchedule]] = []
        for group in resolution.groups {
            let config = OptimizerLowering.config(for: group)
            if groupsByKind[config.kind] == nil {
                kinds.append(config.kind)
                groupsByKind[config.kind] = []
            }
            let members = group.parameters.compactMap { parameters[$0] }.map { OptimizerParameter(value: $0.value, grad: $0.grad) }
            slots.append((kinds.firstIndex(of: config.kind)!, groupsByKind[config.kind]!.count))
            groupsByKind[config.kind]!.append(ParamGroup(config: config, parameters: members))
            let lowered = try GroupScheduleLowering.make(group, config: config, stepsPerEpoch: self.stepsPerEpoch)
            schedules.append(lowered.schedule)
            perStep.append(lowered.perStep)
            hyperparameterSchedules.append(try GroupScheduleLowering.hyperparameterSchedules(
                group, config: config, stepsPerEpoch: self.stepsPerEpoch))
        }
        optimizers = kinds.map { Optimizer(kind: $0, groups: groupsByKind[$0]!) }
        self.slots = slots
        self.schedules = schedules
        self.perStep = perStep
        self.hyperparameterSchedules = hyperparameterSchedules
        for index in resolution.groups.indices {
            applySchedule(index)
            applyHyperparameterSchedules(index)
        }
        applyUnfreezing()
    }

    /// The group's hyperparameters as the optimizer holds them now.
    public func config(of groupIndex: Int) -> ParamGroupConfig {
        let slot = slots[groupIndex]
        return optimizers[slot.optimizer].groups[slot.group].config
    }

    /// The learning rates in force, by group, in declaration order.
    public var rates: [(group: String, lr: Double)] {
        resolution.groups.indices.map { (resolution.groups[$0].name, config(of: $0).learningRate) }
    }

    /// Copies a schedule's rate (and cycled momentum) into its group, as torch schedulers
    /// write `param_group['lr']`.
    func applySchedule(_ index: Int) {
        guard let schedule = schedules[index] else { return }
        let slot = slots[index]
        var config = optimizers[slot.optimizer].groups[slot.group].config
        config.learningRate = schedule.lr
        switch schedule.momentum {
        case .momentum(let m)?: config.momentum = m
        case .beta1(let b)?: config.beta1 = b
        case nil: break
        }
        optimizers[slot.optimizer].groups[slot.group].config = config
    }

    /// Copies the values of a group's `weight_decay` and `momentum` schedules into it.
    func applyHyperparameterSchedules(_ index: Int) {
        guard !hyperparameterSchedules[index].isEmpty else { return }
        let slot = slots[index]
        var config = optimizers[slot.optimizer].groups[slot.group].config
        for scheduled in hyperparameterSchedules[index] { scheduled.apply(to: &config) }
        optimizers[slot.optimizer].groups[slot.group].config = config
    }

    /// Steps the schedules that step per optimizer step (`perStep`) or per epoch; the
    /// rates they give are checked by `checkRates` when a step uses them.
    func stepSchedules(perStep wanted: Bool, metric: Double?) throws(Diagnostic) {
        for index in schedules.indices where schedules[index] != nil && perStep[index] == wanted {
            let group = resolution.groups[index]
            let range = group.schedule?.range ?? group.range
            do {
                try schedules[index]!.step(metric: metric)
            } catch {
                throw ScheduleFailure.diagnostic(error, group: group.name, epoch: epoch, step: step, at: range)
            }
            applySchedule(index)
        }
        for index in hyperparameterSchedules.indices where !hyperparameterSchedules[index].isEmpty {
            let group = resolution.groups[index]
            for position in hyperparameterSchedules[index].indices where hyperparameterSchedules[index][position].perStep == wanted {
                do {
                    try hyperparameterSchedules[index][position].schedule.step(metric: metric)
                } catch {
                    throw ScheduleFailure.diagnostic(error, group: group.name, epoch: epoch, step: step,
                                                     at: hyperparameterSchedules[index][position].range)
                }
            }
            applyHyperparameterSchedules(index)
        }
    }

    /// Refuses a scheduled rate that is negative, NaN or infinite. Called when an
    /// optimizer step is about to use the rates (contract section 7): a rate computed after
    /// the run's last step, which no step uses, is not an error, as in PyTorch.
    func checkRates() throws(Diagnostic) {
        for index in schedules.indices where schedules[index] != nil {
            let lr = config(of: index).learningRate
            guard !lr.isFinite || lr < 0 else { continue }
            let group = resolution.groups[index]
            throw ScheduleFailure.diagnostic(.invalidRate(lr), group: group.name, epoch: epoch, step: step,
                                             at: group.schedule?.range ?? group.range)
        }
        for index in hyperparameterSchedules.indices {
            for scheduled in hyperparameterSchedules[index] {
                let value = scheduled.schedule.lr
                guard !value.isFinite || value < 0 else { continue }
                throw .error(.invalidScheduledValue(scheduled.hyperparameter.rawValue, group: resolution.groups[index].name,
                                                    value: value, epoch: epoch, step: step), at: scheduled.range)
            }
        }
    }

    /// The values the `weight_decay` and `momentum` schedules hold now, by hyperparameter,
    /// for the groups they move (the trace's extra fields); empty without such schedules.
    var scheduledValues: [(name: String, values: [(group: String, value: Double)])] {
        [ScheduledHyperparameter.weightDecay, .momentum].compactMap { hyperparameter in
            var values: [(group: String, value: Double)] = []
            for (index, list) in hyperparameterSchedules.enumerated() {
                for scheduled in list where scheduled.hyperparameter == hyperparameter {
                    values.append((resolution.groups[index].name, scheduled.schedule.lr))
                }
            }
            return values.isEmpty ? nil : (hyperparameter.rawValue, values)
        }
    }

    /// "conv 0.01, linear 0.001" for messages.
    var ratesText: String {
        rates.map { "\($0.group) \(NumberText.display($0.lr))" }.joined(separator: ", ")
    }
}
