/// A schedule's saved state as plain named numbers (torch's `state_dict()` of the
/// scheduler and the keys it keeps in the param group). Integers are stored exactly;
/// `best` of a fresh plateau is ±infinity, so a JSON writer must allow non-finite numbers.
public struct ScheduleState: Sendable, Equatable, Codable {
    public var values: [String: Double]
    /// The schedule's kind as written, composites with their parts: "sequential(linear,
    /// cosine)". Absent in files of lrs 1.0, which are then restored without this check.
    public var kind: String?

    public init(values: [String: Double], kind: String? = nil) {
        self.values = values
        self.kind = kind
    }
}

extension GroupSchedule {
    /// Everything `step` reads or writes; restoring it into a schedule built from the same
    /// spec continues bit for bit.
    public var state: ScheduleState {
        var v: [String: Double] = [
            "nodes": Double(nodes.count),
            "group.lr": group.lr,
            "group.max_lr": group.maxLR,
            "group.min_lr": group.minLR,
            "group.max_momentum": group.maxMomentum,
            "group.base_momentum": group.baseMomentum,
        ]
        if let initial = group.initialLR { v["group.initial_lr"] = initial }
        if let momentum = group.momentum { v["group.momentum"] = momentum }
        for (i, node) in nodes.enumerated() {
            v["\(i).last_epoch"] = Double(node.lastEpoch)
            v["\(i).step_count"] = Double(node.stepCount)
            v["\(i).base_lr"] = node.baseLR
            v["\(i).t_cur"] = Double(node.tCur)
            v["\(i).t_i"] = Double(node.tI)
            v["\(i).best"] = node.best
            v["\(i).bad_epochs"] = Double(node.badEpochs)
            v["\(i).cooldown_counter"] = Double(node.cooldownCounter)
        }
        return ScheduleState(values: v, kind: kind)
    }

    /// The kind of the stepped (last) node, composites with their parts in order.
    public var kind: String {
        func describe(_ index: Int) -> String {
            let node = nodes[index]
            guard !node.children.isEmpty else { return node.rule.name }
            return node.rule.name + "(" + node.children.map(describe).joined(separator: ", ") + ")"
        }
        return nodes.isEmpty ? "none" : describe(nodes.count - 1)
    }

    /// Replaces the mutable state with a saved one; the schedule must have been built from
    /// the same spec. Nothing changes when the state does not fit.
    public mutating func restore(_ saved: ScheduleState) throws(ScheduleError) {
        let v = saved.values
        if let savedKind = saved.kind, savedKind != kind {
            throw .stateMismatch("it was saved by a '\(savedKind)' schedule, this one is '\(kind)'")
        }
        guard let count = v["nodes"], count == Double(nodes.count) else {
            throw .stateMismatch("it holds \(v["nodes"].map(Self.text) ?? "no") scheduler objects, this schedule has \(nodes.count)")
        }
        var restoredGroup = group
        restoredGroup.lr = try Self.number("group.lr", v)
        restoredGroup.maxLR = try Self.number("group.max_lr", v)
        restoredGroup.minLR = try Self.number("group.min_lr", v)
        restoredGroup.maxMomentum = try Self.number("group.max_momentum", v)
        restoredGroup.baseMomentum = try Self.number("group.base_momentum", v)
        restoredGroup.initialLR = v["group.initial_lr"]
        restoredGroup.momentum = v["group.momentum"]
        var restoredNodes = nodes
        for i in restoredNodes.indices {
            restoredNodes[i].lastEpoch = try Self.integer("\(i).last_epoch", v)
            restoredNodes[i].stepCount = try Self.integer("\(i).step_count", v)
            restoredNodes[i].baseLR = try Self.number("\(i).base_lr", v)
            restoredNodes[i].tCur = try Self.integer("\(i).t_cur", v)
            restoredNodes[i].tI = try Self.integer("\(i).t_i", v)
            restoredNodes[i].best = try Self.number("\(i).best", v)
            restoredNodes[i].badEpochs = try Self.integer("\(i).bad_epochs", v)
            restoredNodes[i].cooldownCounter = try Self.integer("\(i).cooldown_counter", v)
            // Values no step can produce; a zero period would divide by zero in the next step.
            let node = restoredNodes[i]
            try Self.require(node.lastEpoch >= -1, "\(i).last_epoch", node.lastEpoch, "-1 or more")
            try Self.require(node.stepCount >= 0, "\(i).step_count", node.stepCount, "0 or more")
            try Self.require(node.badEpochs >= 0, "\(i).bad_epochs", node.badEpochs, "0 or more")
            try Self.require(node.cooldownCounter >= 0, "\(i).cooldown_counter", node.cooldownCounter, "0 or more")
            if node.tag == .cosineRestarts && node.lastEpoch >= 0 {
                try Self.require(node.tI >= 1, "\(i).t_i", node.tI, "1 or more")
                try Self.require(node.tCur >= 0 && node.tCur < node.tI, "\(i).t_cur", node.tCur, "from 0 to below t_i (\(node.tI))")
            }
        }
        group = restoredGroup
        nodes = restoredNodes
    }

    private static func require(_ holds: Bool, _ key: String, _ value: Int, _ range: String) throws(ScheduleError) {
        guard holds else { throw .stateMismatch("'\(key)' is \(value), it must be \(range)") }
    }

    /// A saved number in words: whole numbers without a fraction, NaN and infinities named.
    static func text(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-infinity" : "infinity" }
        if let whole = Int(exactly: x) { return "\(whole)" }
        return "\(x)"
    }

    private static func number(_ key: String, _ v: [String: Double]) throws(ScheduleError) -> Double {
        guard let x = v[key] else { throw .stateMismatch("missing '\(key)'") }
        return x
    }

    private static func integer(_ key: String, _ v: [String: Double]) throws(ScheduleError) -> Int {
        let x = try number(key, v)
        // Exactly representable integers only: no trap converting huge or fractional values.
        guard x == x.rounded(), abs(x) <= 9_007_199_254_740_992, let i = Int(exactly: x) else {
            throw .stateMismatch("'\(key)' is \(text(x)), it must be a whole number")
        }
        return i
    }
}
