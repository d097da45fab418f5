/// One parameter group's learning-rate schedule, stepping exactly as the group's own
/// torch scheduler would (on a throwaway optimizer holding just that group).
///
/// A value: copy it to look ahead, save its `state` to resume a run bit for bit.
/// Construction performs torch's construction-time step, so `lr` is at once the rate
/// in force for the first optimizer step.
public struct GroupSchedule: Sendable {
    /// Torch scheduler objects in construction order: children before their composite;
    /// the last is the one the training loop steps.
    var nodes: [ScheduleNode] = []
    var group: TorchGroup
    let momentumKind: Momentum?

    /// Builds the schedule for a group whose configured rate is `initialLR`.
    /// `initialMomentum` is the group's `momentum` (SGD, RMSprop) or `betas[0]` (Adam-like
    /// kinds), `nil` for kinds that have neither (Adagrad, Adadelta).
    public init(_ spec: ScheduleSpec, initialLR: Double, initialMomentum: Momentum?) throws(ScheduleError) {
        group = TorchGroup(lr: initialLR)
        momentumKind = initialMomentum
        _ = try construct(spec, insideComposite: false)
    }

    /// The rate in force for the next optimizer step.
    public var lr: Double { group.lr }

    /// The momentum or beta1 in force for the next optimizer step when a cyclic or
    /// onecycle schedule cycles it, else `nil` (the group keeps its own).
    public var momentum: Momentum? {
        guard let value = group.momentum, let kind = momentumKind else { return nil }
        return kind.with(value)
    }

    /// Whether `step` needs the epoch's loss (`plateau`).
    public var needsMetric: Bool {
        nodes.last?.tag == .plateau
    }

    var root: Int { nodes.count - 1 }

    /// Advances one epoch (or one optimizer step for a `per step` schedule), as torch's
    /// `scheduler.step()`, or `scheduler.step(metric)` for `plateau`.
    public mutating func step(metric: Double? = nil) throws(ScheduleError) {
        guard !nodes.isEmpty else { return }
        if nodes[root].tag == .plateau {
            guard let metric else { throw .missingMetric }
            guard case .plateau(let options) = nodes[root].rule else { return }
            stepPlateau(root, options, metric: metric)
        } else {
            try stepNode(root, initial: false)
        }
    }

    /// The rate in force after `steps` more calls of `step()` (for a `plateau` schedule,
    /// the current rate: it cannot move without losses).
    public func lr(after steps: Int) throws(ScheduleError) -> Double {
        if needsMetric { return lr }
        var copy = self
        for _ in 0..<max(steps, 0) { try copy.step() }
        return copy.lr
    }
}
