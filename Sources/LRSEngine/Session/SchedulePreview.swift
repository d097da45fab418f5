import LRSLanguage
import LRSOptim

/// What `lrs schedule` computes: every group's learning rate for every optimizer step of
/// `epochs` x `stepsPerEpoch`, without training. Plateau schedules, which need losses, are
/// held constant and reported with a warning.
public enum SchedulePreview {
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
