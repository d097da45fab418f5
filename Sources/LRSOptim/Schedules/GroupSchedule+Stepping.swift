// Ports of torch's `step`, `_initial_step` and `_update_lr` for every scheduler kind.
extension GroupSchedule {
    /// `LRScheduler._initial_step`: `_step_count = 0`, then one step in initial mode.
    mutating func initialStep(_ index: Int) throws(ScheduleError) {
        nodes[index].stepCount = 0
        try stepNode(index, initial: true)
    }

    /// `scheduler.step()` of the node's torch class; `initial` is its `_is_initial` flag.
    mutating func stepNode(_ index: Int, initial: Bool) throws(ScheduleError) {
        // Dispatch on the payload-free tag: switching on `rule` would copy its closures.
        switch nodes[index].tag {
        case .sequential:
            // SequentialLR.step: past a milestone the next schedule restarts from epoch 0.
            guard case .sequential(let milestones) = nodes[index].rule else { return }
            nodes[index].lastEpoch += 1
            let epoch = nodes[index].lastEpoch
            let position = bisectRight(milestones, epoch)
            let child = nodes[index].children[position]
            if position > 0 && milestones[position - 1] == epoch {
                try updateLR(child, epoch: 0, initial: false)
            } else {
                try stepNode(child, initial: false)
            }
        case .chained:
            for child in nodes[index].children { try stepNode(child, initial: false) }
        case .cosineRestarts:
            guard case .cosineRestarts(_, let tMult, _) = nodes[index].rule else { return }
            stepWarmRestarts(index, tMult: tMult)
        case .plateau:
            // Only reachable as a root, where `step(metric:)` handles it.
            break
        case .other:
            nodes[index].stepCount += 1
            try updateLR(index, epoch: nil, initial: initial)
        }
    }

    /// `LRScheduler._update_lr`: with an epoch, the closed form where the class has one.
    mutating func updateLR(_ index: Int, epoch: Int?, initial: Bool) throws(ScheduleError) {
        let value: Double
        if let epoch {
            nodes[index].lastEpoch = epoch
            if let closed = nodes[index].closedForm() {
                value = closed
            } else {
                value = try nodes[index].rate(group: &group, initial: false)
            }
        } else {
            nodes[index].lastEpoch += 1
            value = try nodes[index].rate(group: &group, initial: initial)
        }
        group.lr = value
    }

    /// CosineAnnealingWarmRestarts.step() without an epoch:
    /// T_cur += 1; on reaching T_i, T_cur -= T_i and T_i *= T_mult.
    private mutating func stepWarmRestarts(_ index: Int, tMult: Int) {
        var node = nodes[index]
        if node.lastEpoch < 0 {
            // step(epoch=0) of construction: epoch < T_0, so T_i = T_0 and T_cur = 0.
            if case .cosineRestarts(let t0, _, _) = node.rule { node.tI = t0 }
            node.tCur = 0
            node.lastEpoch = 0
        } else {
            node.lastEpoch += 1
            node.tCur += 1
            if node.tCur >= node.tI {
                node.tCur %= node.tI
                let (grown, overflow) = node.tI.multipliedReportingOverflow(by: tMult)
                node.tI = overflow ? Int.max : grown
            }
        }
        group.lr = node.warmRestartsRate()
        nodes[index] = node
    }

    /// ReduceLROnPlateau.step(metrics).
    mutating func stepPlateau(_ index: Int, _ o: PlateauOptions, metric: Double) {
        var node = nodes[index]
        node.lastEpoch += 1
        if o.isBetter(metric, than: node.best) {
            node.best = metric
            node.badEpochs = 0
        } else {
            node.badEpochs += 1
        }
        if node.cooldownCounter > 0 {
            node.cooldownCounter -= 1
            node.badEpochs = 0
        }
        if node.badEpochs > o.patience {
            // new = max(old * factor, min_lr), taken only when it lowers the rate by more than eps
            let old = group.lr
            let scaled = old * o.factor
            let new = o.minLR > scaled ? o.minLR : scaled
            if old - new > o.eps { group.lr = new }
            node.cooldownCounter = o.cooldown
            node.badEpochs = 0
        }
        nodes[index] = node
    }
}

extension PlateauOptions {
    /// ReduceLROnPlateau._is_better.
    func isBetter(_ a: Double, than best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): a < best * (1.0 - threshold)
        case (.min, .abs): a < best - threshold
        case (.max, .rel): a > best * (threshold + 1.0)
        case (.max, .abs): a > best + threshold
        }
    }
}
