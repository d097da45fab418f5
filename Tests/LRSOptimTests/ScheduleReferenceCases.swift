import Foundation
@testable import LRSOptim

/// Every fixture case rebuilt by hand through the schedule API (not through the language),
/// mirroring the torch construction in Tests/Fixtures/schedules/cases.py and the visible
/// reference cases.
enum ScheduleReferenceCases {
    static func main(_ spec: ScheduleSpec, lr: Double = 0.1, momentum: Momentum? = .momentum(0),
                     perStep: Bool = false) throws -> [RateTable.Group] {
        [RateTable.Group(name: "main", lr: lr,
                         schedule: try GroupSchedule(spec, initialLR: lr, initialMomentum: momentum), perStep: perStep)]
    }

    static let sgd09: Momentum = .momentum(0.9)
    static let adam: Momentum = .beta1(0.9)
    static let cycle = MomentumCycle(base: 0.8, max: 0.9)
    static let onecycleMomentum = MomentumCycle(base: 0.85, max: 0.95)

    static func cyclic(_ base: Double, _ max: Double, up: Int, down: Int? = nil, mode: CyclicOptions.Mode = .triangular,
                       gamma: Double = 1.0, momentum: MomentumCycle? = cycle) -> ScheduleSpec {
        .cyclic(CyclicOptions(baseLR: base, maxLR: max, stepSizeUp: up, stepSizeDown: down, mode: mode,
                              gamma: gamma, momentum: momentum))
    }

    static func onecycle(_ maxLR: Double, _ total: Int, pct: Double = 0.3, anneal: OneCycleOptions.Anneal = .cos,
                         div: Double = 25, finalDiv: Double = 1e4, threePhase: Bool = false,
                         momentum: MomentumCycle? = onecycleMomentum) -> ScheduleSpec {
        .oneCycle(OneCycleOptions(maxLR: maxLR, totalSteps: total, pctStart: pct, anneal: anneal, divFactor: div,
                                  finalDivFactor: finalDiv, threePhase: threePhase, momentum: momentum))
    }

    /// Case name -> its groups, for the directories under reference/ and cases/.
    static func groups(_ name: String) throws -> [RateTable.Group]? {
        switch name {
        // visible reference cases (../shared/reference/cases)
        case "sched_seed2_lambda":
            return [
                RateTable.Group(name: "layer1", lr: 0.01, schedule: try GroupSchedule(
                    .lambda { e in pow(0.95, Double(e)) }, initialLR: 0.01, initialMomentum: adam), perStep: false),
                RateTable.Group(name: "layer2", lr: 0.001, schedule: try GroupSchedule(
                    .lambda { _ in 1 }, initialLR: 0.001, initialMomentum: adam), perStep: false),
            ]
        case "sched_step":
            return [
                RateTable.Group(name: "body", lr: 0.1, schedule: try GroupSchedule(
                    .step(stepSize: 3, gamma: 0.5), initialLR: 0.1, initialMomentum: .momentum(0)), perStep: false),
                RateTable.Group(name: "head", lr: 0.05, schedule: try GroupSchedule(
                    .step(stepSize: 3, gamma: 0.5), initialLR: 0.05, initialMomentum: .momentum(0)), perStep: false),
            ]
        case "sched_exponential": return try main(.exponential(gamma: 0.9))
        case "sched_cosine_past_tmax": return try main(.cosine(tMax: 10, etaMin: 0.001), lr: 0.01, momentum: adam)
        case "sched_onecycle": return try main(onecycle(0.1, 100), lr: 0.01, momentum: sgd09, perStep: true)
        case "sched_sequential":
            return try main(.sequential([.linear(startFactor: 0.1, endFactor: 1, totalIters: 5),
                                         .cosine(tMax: 15, etaMin: 0)], milestones: [5]))
        // own cases (Tests/Fixtures/schedules/cases.py)
        case "lambda_per_step": return try main(.lambda { s in 1 / (1 + 0.01 * Double(s)) }, perStep: true)
        case "multiplicative": return try main(.multiplicative { e in e < 10 ? 0.9 : 1.05 })
        case "step_long": return try main(.step(stepSize: 1, gamma: 0.97))
        case "multistep_repeated": return try main(.multiStep(milestones: [3, 7, 7, 12], gamma: 0.5))
        case "exponential_long": return try main(.exponential(gamma: 0.99), perStep: true)
        case "cosine_per_step_long": return try main(.cosine(tMax: 7, etaMin: 0), perStep: true)
        case "cosine_restarts": return try main(.cosineRestarts(t0: 5, tMult: 1, etaMin: 0))
        case "cosine_restarts_mult": return try main(.cosineRestarts(t0: 3, tMult: 2, etaMin: 0.001), perStep: true)
        case "linear_warmup": return try main(.linear(startFactor: 1.0 / 3, endFactor: 1, totalIters: 5))
        case "linear_decay": return try main(.linear(startFactor: 1, endFactor: 0.05, totalIters: 40), perStep: true)
        case "constant": return try main(.constant(factor: 0.25, totalIters: 4))
        case "constant_default": return try main(.constant(factor: 1.0 / 3, totalIters: 5))
        case "polynomial": return try main(.polynomial(totalIters: 10, power: 2))
        case "polynomial_sqrt": return try main(.polynomial(totalIters: 30, power: 0.5), perStep: true)
        case "cyclic_triangular": return try main(cyclic(0.001, 0.01, up: 4), momentum: sgd09, perStep: true)
        case "cyclic_triangular2":
            return try main(cyclic(0.001, 0.01, up: 3, down: 5, mode: .triangular2,
                                   momentum: MomentumCycle(base: 0.7, max: 0.95)), momentum: sgd09, perStep: true)
        case "cyclic_exp_range_adam":
            return try main(cyclic(0.0001, 0.003, up: 5, mode: .expRange, gamma: 0.97), lr: 0.001, momentum: adam,
                            perStep: true)
        case "cyclic_no_momentum_adagrad":
            return try main(cyclic(0.01, 0.1, up: 2, momentum: nil), momentum: nil, perStep: true)
        case "onecycle_linear_three_phase":
            return try main(onecycle(0.05, 60, anneal: .linear, threePhase: true), momentum: sgd09, perStep: true)
        case "onecycle_adamw_options":
            return try main(onecycle(0.01, 45, pct: 0.25, div: 10, finalDiv: 100, momentum: MomentumCycle(base: 0.8, max: 0.9)),
                            lr: 0.001, momentum: adam, perStep: true)
        case "onecycle_no_momentum":
            return try main(onecycle(0.2, 20, momentum: nil), lr: 0.01, momentum: .momentum(0), perStep: true)
        case "sequential_milestone_zero":
            return try main(.sequential([.exponential(gamma: 0.5), .cosine(tMax: 10, etaMin: 0)], milestones: [0]))
        case "sequential_equal_milestones":
            return try main(.sequential([.linear(startFactor: 0.2, endFactor: 1, totalIters: 3),
                                         .step(stepSize: 2, gamma: 0.5), .exponential(gamma: 0.9)], milestones: [3, 3]))
        case "sequential_equal_zero_milestones":
            return try main(.sequential([.exponential(gamma: 0.5), .step(stepSize: 2, gamma: 0.5), .cosine(tMax: 6, etaMin: 0),
                                         .constant(factor: 0.5, totalIters: 2)], milestones: [0, 0, 4]))
        case "sequential_three":
            return try main(.sequential([.linear(startFactor: 0.2, endFactor: 1, totalIters: 3),
                                         .step(stepSize: 2, gamma: 0.5), .exponential(gamma: 0.9)], milestones: [3, 9]))
        case "sequential_multiplicative_restarts":
            return try main(.sequential([.exponential(gamma: 0.8), .multiplicative { _ in 0.9 },
                                         .cosineRestarts(t0: 3, tMult: 1, etaMin: 0)], milestones: [4, 8]))
        case "sequential_onecycle":
            return try main(.sequential([.linear(startFactor: 0.5, endFactor: 1, totalIters: 4), onecycle(0.3, 20)],
                                        milestones: [4]), momentum: sgd09, perStep: true)
        case "chained_step_exponential":
            return try main(.chained([.step(stepSize: 3, gamma: 0.5), .exponential(gamma: 0.95)]))
        case "chained_warmup_cosine":
            return try main(.chained([.linear(startFactor: 0.1, endFactor: 1, totalIters: 5), .cosine(tMax: 20, etaMin: 0.001)]))
        case "sequential_of_chained":
            return try main(.sequential([.chained([.constant(factor: 0.5, totalIters: 2), .exponential(gamma: 0.9)]),
                                         .polynomial(totalIters: 5, power: 1)], milestones: [6]))
        case "chained_of_sequential":
            return try main(.chained([.sequential([.linear(startFactor: 0.25, endFactor: 1, totalIters: 3), .exponential(gamma: 0.8)],
                                                  milestones: [3]),
                                      .step(stepSize: 4, gamma: 0.5)]))
        case "onecycle_three_phase_cos_adam":
            return try main(onecycle(0.004, 40, pct: 0.2, threePhase: true), lr: 0.001, momentum: adam, perStep: true)
        case "cyclic_per_epoch":
            return try main(cyclic(0.01, 0.05, up: 2, down: 3, mode: .triangular2), momentum: .momentum(0.5))
        case "mixed_groups":
            return [
                RateTable.Group(name: "warm", lr: 0.2, schedule: try GroupSchedule(
                    .lambda { s in min(1.0, Double(s + 1) / 10) }, initialLR: 0.2, initialMomentum: sgd09), perStep: true),
                RateTable.Group(name: "decay", lr: 0.05, schedule: try GroupSchedule(
                    .exponential(gamma: 0.8), initialLR: 0.05, initialMomentum: .momentum(0)), perStep: false),
                RateTable.Group(name: "fixed", lr: 0.01, schedule: nil, perStep: false),
                RateTable.Group(name: "cyc", lr: 0.1, schedule: try GroupSchedule(
                    cyclic(0.01, 0.1, up: 3, down: 5), initialLR: 0.1, initialMomentum: sgd09), perStep: true),
            ]
        default:
            return nil
        }
    }

    /// Long-run case name -> its schedule (SGD lr 0.1 momentum 0.9, stepped 20000 times).
    static func long(_ name: String) -> ScheduleSpec? {
        switch name {
        case "long_cosine": .cosine(tMax: 50, etaMin: 1e-4)
        case "long_cosine_restarts": .cosineRestarts(t0: 7, tMult: 2, etaMin: 1e-5)
        case "long_cyclic_exp_range": cyclic(1e-4, 1e-2, up: 37, down: 50, mode: .expRange, gamma: 0.9995)
        case "long_onecycle": onecycle(0.1, 20000)
        case "long_chained": .chained([.step(stepSize: 100, gamma: 0.9), .exponential(gamma: 0.9999), .multiplicative { _ in 1.00001 }])
        case "long_sequential":
            .sequential([.linear(startFactor: 0.01, endFactor: 1, totalIters: 500), .polynomial(totalIters: 15000, power: 1.5),
                         .lambda { _ in 0.5 }], milestones: [500, 15500])
        default: nil
        }
    }

    /// Plateau case name -> its options (SGD lr 0.1).
    static func plateau(_ name: String) -> PlateauOptions? {
        let d = PlateauOptions(mode: .min, factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: .rel,
                               cooldown: 0, minLR: 0, eps: 1e-8)
        var o = d
        switch name {
        case "plateau_default": return d
        case "plateau_cooldown_abs":
            o.factor = 0.5; o.patience = 2; o.threshold = 0.05; o.thresholdMode = .abs; o.cooldown = 3
        case "plateau_max_minlr_eps":
            o.mode = .max; o.factor = 0.3; o.patience = 1; o.minLR = 0.002; o.eps = 0.0005
        case "plateau_max_abs":
            o.mode = .max; o.threshold = 0.01; o.thresholdMode = .abs; o.patience = 0
        default: return nil
        }
        return o
    }
}
