import Testing
@testable import LRSLanguage

/// `schedule GROUPS weight_decay|momentum SCHEDULE` (section 15): parsed after the groups,
/// and refused where the group's kind lacks the hyperparameter or a second schedule would
/// move it.
@Suite struct HyperparameterScheduleCheckTests {
    let head = """
    model < a: linear 4 3; relu; b: linear 3 2 >
    optimizer sgd lr 0.1 momentum 0.9 weight_decay 0.01
    group a
    group b optimizer adam

    """

    @Test func parsedAfterTheGroups() throws {
        let result = check(head + "schedule a, b weight_decay cosine 10\nschedule b momentum lambda 0.9^epoch\nschedule a step 2")
        #expect(errors(result) == [])
        let schedules = try #require(result.script?.schedules)
        #expect(schedules.map(\.hyperparameter) == [.weightDecay, .momentum, .learningRate])
        #expect(schedules[0].groupNames == ["a", "b"])
    }

    @Test func aGroupNamedLikeTheHyperparameterIsStillAGroup() {
        let result = check("""
        model < momentum: linear 4 3 >
        optimizer sgd momentum 0.9
        group momentum
        schedule momentum momentum cosine 4
        """)
        #expect(errors(result) == [])
        #expect(result.script?.schedules.first?.hyperparameter == .momentum)
        #expect(result.script?.schedules.first?.groupNames == ["momentum"])
    }

    @Test func theKindMustHaveIt() {
        let text = """
        model < a: linear 4 3 >
        optimizer rprop
        group a
        schedule a weight_decay cosine 10
        schedule a momentum cosine 10
        """
        #expect(errors(check(text)) == [.hyperparameterNotScheduled("weight_decay", group: "a", kind: "rprop"),
                                         .hyperparameterNotScheduled("momentum", group: "a", kind: "rprop")])
        // Adagrad has weight decay but neither momentum nor betas.
        #expect(errors(check("model < linear 4 3 >\noptimizer adagrad\ngroup all as g\nschedule g momentum step 2"))
                    == [.hyperparameterNotScheduled("momentum", group: "g", kind: "adagrad")])
    }

    @Test func oneSchedulePerHyperparameterPerGroup() {
        #expect(errors(check(head + "schedule a weight_decay step 2\nschedule all weight_decay step 3"))
                    == [.hyperparameterScheduledTwice("weight_decay", group: "a")])
        // A rate's schedule and a weight decay's do not clash.
        #expect(errors(check(head + "schedule a step 2\nschedule a weight_decay step 3\nschedule a momentum step 3")) == [])
    }

    @Test func momentumIsMovedByOneScheduleOnly() {
        #expect(errors(check(head + "schedule a momentum linear\nschedule a onecycle 0.5 100"))
                    == [.momentumMovedTwice(group: "a", schedule: "onecycle")])
        #expect(errors(check(head + "schedule a momentum linear\nschedule a onecycle 0.5 100 cycle_momentum false")) == [])
        #expect(errors(check(head + "schedule a weight_decay onecycle 0.5 100"))
                    == [.hyperparameterScheduleCyclesMomentum("weight_decay", schedule: "onecycle")])
    }
}
