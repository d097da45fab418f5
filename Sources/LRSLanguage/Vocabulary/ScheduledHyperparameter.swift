import LRSHyperparameters

/// What a `schedule` statement moves (section 15): the learning rate unless it names
/// `weight_decay` or `momentum` after its groups. A hyperparameter schedule follows the same
/// formulas as a learning rate's, starting from the group's initial value.
public enum ScheduledHyperparameter: String, Sendable, CaseIterable {
    case learningRate = "lr"
    case weightDecay = "weight_decay"
    /// `momentum`, or `betas[0]` for Adam-like kinds.
    case momentum

    /// The words a script may write after the groups (`lr` is the default, never written).
    static let written: [String] = [weightDecay.rawValue, momentum.rawValue]

    /// Whether an optimizer kind has the hyperparameter (`momentum` also through `betas`).
    public func isTaken(by kind: OptimizerKind) -> Bool {
        switch self {
        case .learningRate: return true
        case .weightDecay: return kind.hyperparameters.contains { $0.name == Hyperparameter.weightDecay.rawValue }
        case .momentum: return kind.cyclesMomentum
        }
    }
}
