/// Why a schedule cannot be built or stepped; the wording lives in `description`.
public enum ScheduleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument torch rejects (its constructor raises) or one that would divide by zero.
    case invalidArgument(schedule: String, message: String)
    /// `plateau` inside `until`/`with`, or a composite torch cannot restart at a milestone.
    case unsupportedComposition(String)
    /// `cyclic`/`onecycle` with `cycle_momentum true` on a kind that has neither momentum nor betas.
    case noMomentumToCycle(schedule: String)
    /// `onecycle` stepped past `total_steps` (torch raises the same).
    case stepsExceeded(step: Int, totalSteps: Int)
    /// The rate became negative, NaN or infinite.
    case invalidRate(Double)
    /// `plateau` stepped without the epoch's loss.
    case missingMetric
    /// A saved state that does not belong to this schedule.
    case stateMismatch(String)

    public var description: String {
        switch self {
        case let .invalidArgument(schedule, message): "\(schedule): \(message)"
        case let .unsupportedComposition(message): message
        case let .noMomentumToCycle(schedule):
            "\(schedule) cycles momentum, but the optimizer kind has neither 'momentum' nor 'betas' (use cycle_momentum false)"
        case let .stepsExceeded(step, total):
            "onecycle stepped \(step) times, past its total_steps \(total)"
        case let .invalidRate(lr): "the learning rate became \(lr)"
        case .missingMetric: "plateau needs the epoch's loss to step"
        case let .stateMismatch(message): "saved schedule state does not match: \(message)"
        }
    }
}
