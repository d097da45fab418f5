// The fixed part of a leaf schedule, with the checks torch's constructors make (and
// those that would otherwise divide by zero on the first step).
extension ScheduleNode.Rule {
    static func make(_ spec: ScheduleSpec) throws(ScheduleError) -> ScheduleNode.Rule {
        switch spec {
        case .lambda(let f): return .lambda(f)
        case .multiplicative(let f): return .multiplicative(f)
        case let .step(stepSize, gamma):
            try require(stepSize > 0, "step", "step_size must be a positive integer, got \(stepSize)")
            return .step(stepSize: stepSize, gamma: gamma)
        case let .multiStep(milestones, gamma):
            var counts: [Int: Int] = [:]
            for m in milestones { counts[m, default: 0] += 1 }
            return .multiStep(counts: counts, sorted: milestones.sorted(), gamma: gamma)
        case .exponential(let gamma): return .exponential(gamma: gamma)
        case let .cosine(tMax, etaMin):
            try require(tMax > 0, "cosine", "T_max must be a positive integer, got \(tMax)")
            return .cosine(tMax: tMax, etaMin: etaMin)
        case let .cosineRestarts(t0, tMult, etaMin):
            try require(t0 > 0, "cosine_restarts", "expected positive integer T_0, but got \(t0)")
            try require(tMult >= 1, "cosine_restarts", "expected integer t_mult >= 1, but got \(tMult)")
            return .cosineRestarts(t0: t0, tMult: tMult, etaMin: etaMin)
        case let .linear(startFactor, endFactor, totalIters):
            try require(startFactor > 0 && startFactor <= 1, "linear",
                        "start_factor must be greater than 0 and at most 1, got \(startFactor)")
            try require(endFactor >= 0 && endFactor <= 1, "linear", "end_factor must be between 0 and 1, got \(endFactor)")
            try require(totalIters >= 0, "linear", "total_iters must not be negative, got \(totalIters)")
            return .linear(startFactor: startFactor, endFactor: endFactor, totalIters: totalIters)
        case let .constant(factor, totalIters):
            try require(factor >= 0 && factor <= 1, "constant", "factor must be between 0 and 1, got \(factor)")
            try require(totalIters >= 0, "constant", "total_iters must not be negative, got \(totalIters)")
            return .constant(factor: factor, totalIters: totalIters)
        case let .polynomial(totalIters, power):
            try require(totalIters >= 0, "polynomial", "total_iters must not be negative, got \(totalIters)")
            return .polynomial(totalIters: totalIters, power: power)
        case .cyclic(let options): return try .cyclic(makeCyclic(options))
        case .oneCycle(let options): return try .oneCycle(makeOneCycle(options))
        case .plateau(let options): return .plateau(options)
        case let .sequential(_, milestones): return .sequential(milestones: milestones)
        case .chained: return .chained
        }
    }

    private static func makeCyclic(_ o: CyclicOptions) throws(ScheduleError) -> ScheduleNode.CyclicRule {
        try require(o.stepSizeUp >= 0 && (o.stepSizeDown ?? 0) >= 0, "cyclic", "step sizes must not be negative")
        let up = Double(o.stepSizeUp)
        let down = o.stepSizeDown.map(Double.init) ?? up
        let total = up + down
        try require(total > 0, "cyclic", "step_size_up + step_size_down must be positive")
        return ScheduleNode.CyclicRule(baseLR: o.baseLR, maxLR: o.maxLR, totalSize: total, stepRatio: up / total,
                                       mode: o.mode, gamma: o.gamma, momentum: o.momentum)
    }

    private static func makeOneCycle(_ o: OneCycleOptions) throws(ScheduleError) -> ScheduleNode.OneCycleRule {
        try require(o.totalSteps > 0, "onecycle", "expected positive integer total_steps, but got \(o.totalSteps)")
        try require(o.pctStart >= 0 && o.pctStart <= 1, "onecycle",
                    "expected float between 0 and 1 pct_start, but got \(o.pctStart)")
        typealias Phase = ScheduleNode.OneCycleRule.Phase
        let total = Double(o.totalSteps)
        let warmEnd = o.pctStart * total - 1
        let last = total - 1
        let phases: [Phase] = o.threePhase
            ? [Phase(endStep: warmEnd, startLR: .initialLR, endLR: .maxLR, startMomentum: .maxMomentum, endMomentum: .baseMomentum),
               Phase(endStep: 2 * o.pctStart * total - 2, startLR: .maxLR, endLR: .initialLR,
                     startMomentum: .baseMomentum, endMomentum: .maxMomentum),
               Phase(endStep: last, startLR: .initialLR, endLR: .minLR, startMomentum: .maxMomentum, endMomentum: .maxMomentum)]
            : [Phase(endStep: warmEnd, startLR: .initialLR, endLR: .maxLR, startMomentum: .maxMomentum, endMomentum: .baseMomentum),
               Phase(endStep: last, startLR: .maxLR, endLR: .minLR, startMomentum: .baseMomentum, endMomentum: .maxMomentum)]
        return ScheduleNode.OneCycleRule(options: o, totalSteps: o.totalSteps, phases: phases, anneal: o.anneal,
                                         cyclesMomentum: o.momentum != nil)
    }

    private static func require(_ condition: Bool, _ schedule: String, _ message: String) throws(ScheduleError) {
        if !condition { throw .invalidArgument(schedule: schedule, message: message) }
    }
}
