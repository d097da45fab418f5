// Ports of the torch scheduler constructors, in the order their side effects happen:
// children before their composite (as `SequentialLR(opt, [A(opt), B(opt)], ...)` is
// written), `initial_lr` by `setdefault`, then the construction-time step.
extension GroupSchedule {
    /// Appends the node(s) of `spec`, runs torch's `__init__` for them, returns the index.
    mutating func construct(_ spec: ScheduleSpec, insideComposite: Bool) throws(ScheduleError) -> Int {
        switch spec {
        case let .sequential(children, milestones):
            return try constructSequential(children, milestones: milestones)
        case let .chained(children):
            guard !children.isEmpty else {
                throw .invalidArgument(schedule: "with", message: "needs at least one schedule")
            }
            var indices: [Int] = []
            for child in children { indices.append(try construct(child, insideComposite: true)) }
            var node = ScheduleNode(rule: .chained)
            node.children = indices
            nodes.append(node)
            return nodes.count - 1
        case let .plateau(options):
            guard !insideComposite else {
                throw .unsupportedComposition("plateau cannot be part of 'until' or 'with' (torch's SequentialLR and ChainedScheduler reject ReduceLROnPlateau)")
            }
            guard options.factor < 1.0 else {
                throw .invalidArgument(schedule: "plateau", message: "factor must be < 1.0")
            }
            var node = ScheduleNode(rule: .plateau(options))
            node.lastEpoch = 0
            node.best = options.mode == .min ? .infinity : -.infinity
            nodes.append(node)
            return nodes.count - 1
        default:
            return try constructLeaf(ScheduleNode.Rule.make(spec))
        }
    }

    private mutating func constructLeaf(_ rule: ScheduleNode.Rule) throws(ScheduleError) -> Int {
        var node = ScheduleNode(rule: rule)
        switch rule {
        case .cyclic(let cyclic):
            group.lr = cyclic.baseLR
            if let cycle = cyclic.momentum { try startCyclingMomentum(cycle, schedule: "cyclic") }
        case .oneCycle(let rule):
            let oneCycle = rule.options
            group.initialLR = oneCycle.maxLR / oneCycle.divFactor
            group.maxLR = oneCycle.maxLR
            group.minLR = group[.initialLR] / oneCycle.finalDivFactor
            if let cycle = oneCycle.momentum { try startCyclingMomentum(cycle, schedule: "onecycle") }
        case .cosineRestarts(let t0, _, _):
            node.tI = t0
            node.tCur = -1
        default:
            break
        }
        // LRScheduler.__init__(last_epoch=-1)
        if group.initialLR == nil { group.initialLR = group.lr }
        node.baseLR = group[.initialLR]
        node.lastEpoch = -1
        nodes.append(node)
        let index = nodes.count - 1
        try initialStep(index)
        // CyclicLR assigns its own base_lrs only after super().__init__ (and its step).
        if case .cyclic(let cyclic) = rule { nodes[index].baseLR = cyclic.baseLR }
        return index
    }

    private mutating func startCyclingMomentum(_ cycle: MomentumCycle, schedule: String) throws(ScheduleError) {
        guard momentumKind != nil else { throw .noMomentumToCycle(schedule: schedule) }
        group.momentum = cycle.max
        group.maxMomentum = cycle.max
        group.baseMomentum = cycle.base
    }

    private mutating func constructSequential(_ children: [ScheduleSpec], milestones: [Int]) throws(ScheduleError) -> Int {
        guard !children.isEmpty else {
            throw .invalidArgument(schedule: "until", message: "needs at least one schedule")
        }
        guard milestones.count == children.count - 1 else {
            throw .invalidArgument(schedule: "until",
                                   message: "needs one milestone fewer than schedules, got \(children.count) schedules and \(milestones.count) milestones")
        }
        var indices: [Int] = []
        for child in children { indices.append(try construct(child, insideComposite: true)) }
        // torch restarts the schedule after a milestone with `_update_lr(0)`, which a
        // composite does not implement (it raises NotImplementedError at that milestone).
        for (position, index) in indices.enumerated().dropFirst()
        where nodes[index].rule.isComposite && milestones[position - 1] > 0 {
            throw .unsupportedComposition("a schedule combined with 'until' or 'with' cannot follow a milestone above 0 (torch cannot restart it)")
        }
        var node = ScheduleNode(rule: .sequential(milestones: milestones))
        node.children = indices
        node.lastEpoch = 0
        nodes.append(node)
        let index = nodes.count - 1
        group.lr = group[.initialLR]
        recursiveUndo(index)
        try initialStep(indices[bisectRight(milestones, 0)])
        return index
    }

    /// `SequentialLR.recursive_undo`: every leaf below takes one epoch back; composites
    /// themselves keep theirs.
    private mutating func recursiveUndo(_ index: Int) {
        if nodes[index].rule.isComposite {
            for child in nodes[index].children { recursiveUndo(child) }
        } else {
            nodes[index].lastEpoch -= 1
        }
    }
}

/// Python's `bisect.bisect_right`, step for step (also on an unsorted list).
func bisectRight(_ values: [Int], _ x: Int) -> Int {
    var low = 0
    var high = values.count
    while low < high {
        let mid = (low + high) / 2
        if x < values[mid] { high = mid } else { low = mid + 1 }
    }
    return low
}
