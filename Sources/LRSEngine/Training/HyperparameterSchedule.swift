import LRSLanguage
import LRSOptim

/// A group's `weight_decay` or `momentum` schedule (section 15). It steps as a rate's schedule
/// would on a throwaway PyTorch optimizer whose `lr` starts at the hyperparameter's initial
/// value: `lambda` multiplies it, `cosine T eta_min E` goes from it to E.
struct HyperparameterSchedule {
    let hyperparameter: ScheduledHyperparameter
    var schedule: GroupSchedule
    /// Which field `momentum` moves: `momentum`, or `betas[0]` for Adam-like kinds.
    let momentumField: Momentum?
    let perStep: Bool
    /// The `schedule` statement's range, where a run-time error points.
    let range: SourceRange

    /// Writes the value in force into the group's configuration.
    func apply(to config: inout ParamGroupConfig) {
        let value = schedule.lr
        switch hyperparameter {
        case .learningRate: config.learningRate = value
        case .weightDecay: config.weightDecay = value
        case .momentum:
            switch momentumField {
            case .momentum?: config.momentum = value
            case .beta1?: config.beta1 = value
            case nil: break
            }
        }
    }
}
