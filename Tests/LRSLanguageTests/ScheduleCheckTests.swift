import Testing
@testable import LRSLanguage

@Suite struct ScheduleCheckTests {
    let model = "model < a: linear 4 4; b: linear 4 2 >\noptimizer sgd\ngroup a lr 0.1\ngroup b lr 0.2\n"

    func schedule(_ text: String) -> CheckResult { check(model + text) }

    @Test func defaultsAreFilledIn() throws {
        let script = try #require(schedule("schedule a cyclic 0.01 0.1").script)
        let statement = try #require(script.schedules.first)
        #expect(statement.perStep)
        #expect(statement.schedule.argument("step_size_up")?.number == 2000)
        #expect(statement.schedule.argument("base_momentum")?.number == 0.8)
        guard case .single(.cyclic, let arguments, _) = statement.schedule else {
            Issue.record("not cyclic")
            return
        }
        #expect(arguments.map(\.name) == ["base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma",
                                          "cycle_momentum", "base_momentum", "max_momentum"])
        #expect(arguments.filter { $0.isDefault }.count == 7)
    }

    @Test func cycledMomentumNeedsAKindWithMomentumOrBetas() throws {
        // PyTorch's CyclicLR and OneCycleLR raise for adagrad and adadelta: an error here.
        let adagrad = check("model < linear 4 2 >\noptimizer adagrad\nschedule all cyclic 0.01 0.1\n")
        #expect(errors(adagrad) == [.momentumNotCycled(schedule: "cyclic", group: "all", kind: "adagrad")])
        let own = check("""
            model < a: linear 4 4; b: linear 4 2 >
            optimizer adam
            group a optimizer adadelta
            group b
            schedule all onecycle 0.1 100
            """)
        #expect(errors(own) == [.momentumNotCycled(schedule: "onecycle", group: "a", kind: "adadelta")])
        #expect(errors(check("model < linear 4 2 >\noptimizer adagrad\nschedule all cyclic 0.01 0.1 cycle_momentum false\n")).isEmpty)
        #expect(errors(schedule("schedule a linear until 3 then onecycle 0.1 100")).isEmpty)
    }

    @Test func lambdaCompilesOverEpochAndStep() throws {
        let script = try #require(schedule("schedule a lambda 0.95^epoch").script)
        guard case .expression(let lambda)? = script.schedules.first?.schedule.argument("lr_lambda") else {
            Issue.record("no lambda")
            return
        }
        #expect(lambda.variables == ["epoch", "step"])
        #expect(lambda.evaluate([2, 0]) == 0.95 * 0.95)
        #expect(errors(schedule("schedule a lambda 0.9^step")) ==
                [.nameNotAllowed("step", context: "in a per-epoch schedule; add 'per step'")])
        #expect(errors(schedule("schedule a lambda 0.9^step per step")).isEmpty)
    }

    @Test func sequentialMilestones() throws {
        let script = try #require(schedule("schedule a linear start_factor 0.1 until 5 then cosine 15 until 9 then constant").script)
        guard case .sequential(let parts, let milestones, _)? = script.schedules.first?.schedule else {
            Issue.record("not sequential")
            return
        }
        #expect(parts.count == 3)
        #expect(milestones.map(\.count) == [5, 9])
        #expect(errors(schedule("schedule a linear until 5 then cosine 15 until 4 then constant")) == [.milestonesOutOfOrder(4, after: 5)])
    }

    @Test func badSchedules() {
        #expect(errors(schedule("schedule a cosine")) == [.missingScheduleArgument("T_max", schedule: "cosine")])
        #expect(errors(schedule("schedule a cyclic 0.1 0.01")) == [.cyclicBaseAboveMax(base: 0.1, max: 0.01)])
        #expect(errors(schedule("schedule c step 3")) == [.unknownScheduleGroup("c", suggestions: [], groups: ["a", "b", "all"])])
        #expect(errors(schedule("schedule aa step 3")) == [.unknownScheduleGroup("aa", suggestions: ["a"])])
        #expect(errors(schedule("schedule a step 3\nschedule a exponential 0.9")) == [.groupScheduledTwice("a")])
        #expect(errors(schedule("schedule all step 3\nschedule b exponential 0.9")) == [.groupScheduledTwice("b")])
        #expect(errors(schedule("schedule a plateau per step")) == [.plateauPerStep])
        #expect(errors(schedule("schedule a step 0")) == [.valueOutOfRange("'step_size' of 'step'", value: 0, range: "at least 1")])
        #expect(errors(schedule("schedule a cyclic 0.01 0.1 mode triangle")) ==
                [.valueType("'mode' of 'cyclic'", expected: "'triangular', 'triangular2' or 'exp_range' (did you mean 'triangular'?)")])
        #expect(errors(schedule("schedule a constant factor 2")) ==
                [.valueOutOfRange("'factor' of 'constant'", value: 2, range: "between 0 and 1")])
    }

    @Test func unknownScheduleNamesAndArgumentsSuggest() {
        #expect(errors(schedule("schedule a cosin 10")) == [.unknownSchedule("cosin", suggestions: ["cosine"])])
        #expect(errors(schedule("schedule a step 3 gama 0.5")) ==
                [.unknownScheduleArgument("gama", schedule: "step", valid: ["gamma"], suggestions: ["gamma"])])
    }

    @Test func onecycleShorterThanTheRun() {
        let text = "train epochs 3 batch 10\ndata synthetic samples 100\nschedule a onecycle 0.1 20"
        #expect(errors(schedule(text)) == [.onecycleTooShort(totalSteps: 20, run: 30)])
        #expect(errors(schedule("train epochs 3 batch 10\ndata synthetic samples 100\nschedule a onecycle 0.1 30")).isEmpty)
        // Accumulation and split shorten the run, as the run-length names count it.
        let accumulated = "train epochs 3 batch 10 accumulate 2\ndata synthetic samples 100\nschedule a onecycle 0.1 15"
        #expect(errors(schedule(accumulated)).isEmpty)
        let split = "train epochs 3 batch 10\ndata synthetic samples 100\nsplit 0.5\nschedule a onecycle 0.1 14"
        #expect(errors(schedule(split)) == [.onecycleTooShort(totalSteps: 14, run: 15)])
    }

    /// Equal milestones, as SequentialLR takes them: the schedule between them never runs,
    /// which is a warning (so is a first schedule ending at milestone 0).
    @Test func equalMilestonesWarnThatAScheduleNeverRuns() {
        let result = schedule("schedule a linear until 3 then cosine 15 until 3 then constant")
        #expect(errors(result) == [])
        #expect(result.diagnostics.filter { $0.severity == .warning }.map(\.condition)
                == [.scheduleNeverRuns("cosine 15", milestone: 3, first: false)])
        let zero = schedule("schedule a exponential 0.5 until 0 then step 2 until 0 then cosine 6")
        #expect(errors(zero) == [])
        #expect(zero.diagnostics.filter { $0.severity == .warning }.map(\.condition)
                == [.scheduleNeverRuns("exponential 0.5", milestone: 0, first: true),
                    .scheduleNeverRuns("step 2", milestone: 0, first: false)])
        #expect(check("input 4\nmodel < linear 4 2 >\ngroup all as a\nschedule a linear until 2 then cosine 5 until 2 then constant").script != nil)
    }
}
