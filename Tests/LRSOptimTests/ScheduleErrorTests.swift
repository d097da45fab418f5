import Foundation
import Testing
@testable import LRSOptim

/// What torch rejects is rejected, with the condition as data; nothing traps.
@Suite struct ScheduleErrorTests {
    static func build(_ spec: ScheduleSpec, momentum: Momentum? = .momentum(0)) throws(ScheduleError) -> GroupSchedule {
        try GroupSchedule(spec, initialLR: 0.1, initialMomentum: momentum)
    }

    static let plateau = PlateauOptions(mode: .min, factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: .rel,
                                        cooldown: 0, minLR: 0, eps: 1e-8)

    @Test(arguments: [
        ScheduleSpec.step(stepSize: 0, gamma: 0.1),
        .cosine(tMax: 0, etaMin: 0),
        .cosineRestarts(t0: 0, tMult: 1, etaMin: 0),
        .cosineRestarts(t0: 5, tMult: 0, etaMin: 0),
        .linear(startFactor: 0, endFactor: 1, totalIters: 5),
        .linear(startFactor: 0.5, endFactor: 1.5, totalIters: 5),
        .constant(factor: 2, totalIters: 5),
        .polynomial(totalIters: -1, power: 1),
        .cyclic(CyclicOptions(baseLR: 0.1, maxLR: 1, stepSizeUp: 0, stepSizeDown: 0, mode: .triangular, gamma: 1, momentum: nil)),
        .oneCycle(OneCycleOptions(maxLR: 0.1, totalSteps: 0, pctStart: 0.3, anneal: .cos, divFactor: 25, finalDivFactor: 1e4,
                                  threePhase: false, momentum: nil)),
        .oneCycle(OneCycleOptions(maxLR: 0.1, totalSteps: 10, pctStart: 1.5, anneal: .cos, divFactor: 25, finalDivFactor: 1e4,
                                  threePhase: false, momentum: nil)),
        .plateau(PlateauOptions(mode: .min, factor: 1, patience: 1, threshold: 0, thresholdMode: .rel, cooldown: 0, minLR: 0, eps: 0)),
        .sequential([.exponential(gamma: 0.9)], milestones: [3]),
        .sequential([], milestones: []),
        .chained([]),
    ])
    func invalidArgumentsAreRejected(_ spec: ScheduleSpec) {
        #expect(throws: ScheduleError.self) { _ = try Self.build(spec) }
    }

    @Test func plateauCannotBeCombined() {
        #expect(throws: ScheduleError.unsupportedComposition("plateau cannot be part of 'until' or 'with' (torch's SequentialLR and ChainedScheduler reject ReduceLROnPlateau)")) {
            _ = try Self.build(.chained([.exponential(gamma: 0.9), .plateau(Self.plateau)]))
        }
        #expect(throws: ScheduleError.self) {
            _ = try Self.build(.sequential([.exponential(gamma: 0.9), .plateau(Self.plateau)], milestones: [2]))
        }
    }

    @Test func aCompositeCannotRestartAtAMilestone() throws {
        let inner = ScheduleSpec.chained([.exponential(gamma: 0.9), .step(stepSize: 2, gamma: 0.5)])
        #expect(throws: ScheduleError.self) {
            _ = try Self.build(.sequential([.exponential(gamma: 0.9), inner], milestones: [3]))
        }
        // At milestone 0 torch only takes its initial step, which a composite has.
        _ = try Self.build(.sequential([.exponential(gamma: 0.9), inner], milestones: [0]))
    }

    @Test func cyclingMomentumNeedsMomentumOrBetas() throws {
        let cycle = MomentumCycle(base: 0.85, max: 0.95)
        let spec = ScheduleSpec.oneCycle(OneCycleOptions(maxLR: 0.1, totalSteps: 10, pctStart: 0.3, anneal: .cos, divFactor: 25,
                                                         finalDivFactor: 1e4, threePhase: false, momentum: cycle))
        #expect(throws: ScheduleError.noMomentumToCycle(schedule: "onecycle")) { _ = try Self.build(spec, momentum: nil) }
        let adam = try Self.build(spec, momentum: .beta1(0.9))
        #expect(adam.momentum == .beta1(0.95))
        let sgd = try Self.build(spec, momentum: .momentum(0))
        #expect(sgd.momentum == .momentum(0.95))
        #expect(try Self.build(.exponential(gamma: 0.5), momentum: .momentum(0.9)).momentum == nil)
    }

    @Test func onecycleStepsPastTotalStepsLikeTorch() throws {
        var s = try Self.build(.oneCycle(OneCycleOptions(maxLR: 0.1, totalSteps: 10, pctStart: 0.3, anneal: .linear, divFactor: 25,
                                                         finalDivFactor: 1e4, threePhase: false, momentum: nil)))
        for _ in 0..<10 { try s.step() }
        #expect(throws: ScheduleError.stepsExceeded(step: 11, totalSteps: 10)) { try s.step() }
    }

    @Test func plateauNeedsTheLoss() throws {
        var s = try Self.build(.plateau(Self.plateau))
        #expect(throws: ScheduleError.missingMetric) { try s.step() }
        try s.step(metric: 1.0)
    }

    @Test func rateTableReportsWhereARateGoesBad() throws {
        let s = try Self.build(.lambda { e in 1 - 0.25 * Double(e) })
        let groups = [RateTable.Group(name: "fine", lr: 0.5, schedule: nil, perStep: false),
                      RateTable.Group(name: "bad", lr: 0.1, schedule: s, perStep: false)]
        #expect(throws: RateTable.Failure(group: "bad", epoch: 5, step: 5, error: .invalidRate(0.1 * (1 - 1.25)))) {
            _ = try RateTable.compute(groups, epochs: 8, stepsPerEpoch: 1)
        }
        let nan = try Self.build(.lambda { e in e == 2 ? .nan : 1 })
        #expect(throws: RateTable.Failure.self) {
            _ = try RateTable.compute([.init(name: "g", lr: 0.1, schedule: nan, perStep: true)], epochs: 1, stepsPerEpoch: 4)
        }
    }

    @Test func rateTableRefusesHugeSizesWithoutTrapping() {
        let groups = [RateTable.Group(name: "g", lr: 0.1, schedule: nil, perStep: false)]
        #expect(throws: RateTable.Failure.self) { _ = try RateTable.compute(groups, epochs: Int.max, stepsPerEpoch: 3) }
        #expect(throws: RateTable.Failure.self) { _ = try RateTable.compute(groups, epochs: 1 << 20, stepsPerEpoch: 1 << 20) }
        #expect(RateTable(groups: ["g"], epochs: Int.max, stepsPerEpoch: 2, rates: []) == nil)
    }

    @Test func groupsWithoutAScheduleKeepTheirRateAndPlateauIsHeld() throws {
        let groups = [RateTable.Group(name: "fixed", lr: 0.25, schedule: nil, perStep: true),
                      RateTable.Group(name: "plateau", lr: 0.1, schedule: try Self.build(.plateau(Self.plateau)), perStep: false),
                      RateTable.Group(name: "exp", lr: 0.1, schedule: try Self.build(.exponential(gamma: 0.5)), perStep: false)]
        let t = try RateTable.compute(groups, epochs: 3, stepsPerEpoch: 2)
        #expect(t.heldConstant == ["plateau"])
        #expect((0..<6).map { t.lr(step: $0, group: 0) } == Array(repeating: 0.25, count: 6))
        #expect((0..<6).map { t.lr(step: $0, group: 1) } == Array(repeating: 0.1, count: 6))
        #expect((0..<6).map { t.lr(step: $0, group: 2) } == [0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    }
}

@Test func cycledHyperparameterFollowsTorchsDefaultsPerKind() {
    #expect(Momentum.cycled(for: .adamw, momentum: 0, beta1: 0.9) == .beta1(0.9))
    #expect(Momentum.cycled(for: .nadam, momentum: 0, beta1: 0.8) == .beta1(0.8))
    #expect(Momentum.cycled(for: .rmsprop, momentum: 0.5, beta1: 0.9) == .momentum(0.5))
    #expect(Momentum.cycled(for: .sgd, momentum: 0, beta1: 0.9) == .momentum(0))
    #expect(Momentum.cycled(for: .adagrad, momentum: 0, beta1: 0.9) == nil)
    #expect(Momentum.cycled(for: .adadelta, momentum: 0, beta1: 0.9) == nil)
}
