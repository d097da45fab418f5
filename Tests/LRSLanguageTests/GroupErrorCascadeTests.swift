import Testing
@testable import LRSLanguage

/// A group whose own statement has an error is reported there once: it still exists by
/// name, so a `schedule` or `show state` naming it does not add "no group is named ...".
@Suite struct GroupErrorCascadeTests {
    let script = """
    input 4
    model < body: linear 4 3; relu; head: linear 3 2 >
    let head_lr = 0.1
    group body lr 0.01
    group head lr head_lr
    schedule head cosine 10
    schedule body, head step 2
    show state head
    """

    @Test func invalidOverrideIsReportedOnceAtTheGroup() {
        let result = check(script, overrides: ["head_lr": -5])
        #expect(errors(result).count == 1, "\(errors(result))")
        #expect(!errors(result).contains { if case .unknownScheduleGroup = $0 { return true }; return false })
        #expect(!errors(result).contains { if case .unknownGroup = $0 { return true }; return false })
    }

    @Test func unknownOptimizerKindAndBadValueAreNotRepeatedAtSchedules() {
        let result = check("""
        input 4
        model < body: linear 4 3; relu; head: linear 3 2 >
        group body lr 0.01 optimizer adamx
        group head lr 0.1 nesterov 3
        schedule body cosine 10
        schedule head step 2
        """)
        #expect(errors(result).count == 2, "\(errors(result))")
        #expect(!errors(result).contains { if case .unknownScheduleGroup = $0 { return true }; return false })
    }

    @Test func aScheduleOfAFailedGroupIsStillChecked() {
        let result = check(script.replacingOccurrences(of: "cosine 10", with: "step 0"), overrides: ["head_lr": -5])
        #expect(errors(result).count == 2, "\(errors(result))")
        #expect(errors(result).contains { if case .valueOutOfRange("'step_size' of 'step'", _, _) = $0 { return true }; return false }, "\(errors(result))")
    }

    @Test func aGroupThatDoesNotExistIsStillAnError() {
        let result = check(script.replacingOccurrences(of: "schedule head cosine", with: "schedule heed cosine"))
        #expect(errors(result) == [.unknownScheduleGroup("heed", suggestions: ["head"])])
    }
}
