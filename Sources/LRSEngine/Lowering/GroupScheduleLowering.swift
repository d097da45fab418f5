import LRSLanguage
import LRSOptim

/// Each resolved group's own schedule, built as if the group had its own PyTorch scheduler
/// on its own optimizer (construction takes the scheduler's first step, so `lr` is already
/// the rate in force for the first optimizer step).
enum GroupScheduleLowering {
    struct Lowered {
        var schedule: GroupSchedule?
        var perStep: Bool
    }

    /// The schedule of a group whose configuration is not built yet (`lrs schedule`).
    static func make(_ group: ResolvedGroup, stepsPerEpoch: Int) throws(Diagnostic) -> Lowered {
        guard group.schedule != nil else { return Lowered(schedule: nil, perStep: false) }
        return try make(group, config: OptimizerLowering.config(for: group), stepsPerEpoch: stepsPerEpoch)
    }

    /// The schedule of a group, starting from the rate and momentum of its configuration.
    static func make(_ group: ResolvedGroup, config: ParamGroupConfig, stepsPerEpoch: Int) throws(Diagnostic) -> Lowered {
        guard let statement = group.schedule else { return Lowered(schedule: nil, perStep: false) }
        let spec = ScheduleLowering.spec(statement.schedule, perStep: statement.perStep, stepsPerEpoch: stepsPerEpoch)
        let momentum = Momentum.cycled(for: config.kind, momentum: config.momentum, beta1: config.beta1)
        let schedule: GroupSchedule
        do {
            schedule = try GroupSchedule(spec, initialLR: config.learningRate, initialMomentum: momentum)
        } catch {
            throw ScheduleFailure.diagnostic(error, group: group.name, epoch: 0, step: 0, at: statement.range)
        }
        guard schedule.lr.isFinite, schedule.lr >= 0 else {
            throw ScheduleFailure.diagnostic(.invalidRate(schedule.lr), group: group.name, epoch: 0, step: 0,
                                             at: statement.range)
        }
        return Lowered(schedule: schedule, perStep: statement.perStep)
    }

    /// A group's `weight_decay` and `momentum` schedules, each starting from the value in
    /// its configuration (a value the schedule makes negative at once is refused here).
    static func hyperparameterSchedules(_ group: ResolvedGroup, config: ParamGroupConfig,
                                        stepsPerEpoch: Int) throws(Diagnostic) -> [HyperparameterSchedule] {
        var lowered: [HyperparameterSchedule] = []
        for statement in group.hyperparameterSchedules {
            let field = Momentum.cycled(for: config.kind, momentum: config.momentum, beta1: config.beta1)
            let initial: Double
            switch statement.hyperparameter {
            case .learningRate: initial = config.learningRate
            case .weightDecay: initial = config.weightDecay
            case .momentum:
                switch field {
                case .beta1(let b)?: initial = b
                case .momentum(let m)?: initial = m
                case nil: continue
                }
            }
            let spec = ScheduleLowering.spec(statement.schedule, perStep: statement.perStep, stepsPerEpoch: stepsPerEpoch)
            let schedule: GroupSchedule
            do {
                schedule = try GroupSchedule(spec, initialLR: initial, initialMomentum: nil)
            } catch {
                throw ScheduleFailure.diagnostic(error, group: group.name, epoch: 0, step: 0, at: statement.range)
            }
            guard schedule.lr.isFinite, schedule.lr >= 0 else {
                throw .error(.invalidScheduledValue(statement.hyperparameter.rawValue, group: group.name, value: schedule.lr,
                                                    epoch: 0, step: 0), at: statement.range)
            }
            lowered.append(HyperparameterSchedule(hyperparameter: statement.hyperparameter, schedule: schedule,
                                                  momentumField: field, perStep: statement.perStep, range: statement.range))
        }
        return lowered
    }
}
