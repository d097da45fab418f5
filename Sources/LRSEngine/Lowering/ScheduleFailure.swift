import LRSLanguage
import LRSOptim

/// A schedule that cannot be built or stepped, as the diagnostic a user reads: the one
/// mapping from the schedule library's errors, placed at the group's `schedule` line.
enum ScheduleFailure {
    static func diagnostic(_ error: ScheduleError, group: String, epoch: Int, step: Int,
                           at range: SourceRange?) -> Diagnostic {
        if case .invalidRate(let value) = error {
            return .error(.invalidRate(group: group, value: value, epoch: epoch, step: step), at: range)
        }
        return .error(.scheduleFailed(group: group, reason: error.description), at: range)
    }
}
