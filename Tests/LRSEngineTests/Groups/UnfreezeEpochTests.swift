import Testing
@testable import LRSEngine
import LRSLanguage

/// `freeze SELECTOR until epoch N` (section 15): parsed and checked against the run's
/// length; the parameters stay in their groups, and `lrs check` says until when.
@Suite struct UnfreezeEpochTests {
    let model = "input 4\nmodel < fc: linear 4 3; relu; out: linear 3 2 >\noptimizer adam lr 0.01\n"

    func check(_ text: String) -> CheckResult {
        Checker.check(SourceFile(path: "test.lrs", text: model + text), options: Checker.Options(checkFiles: false))
    }

    func errors(_ result: CheckResult) -> [DiagnosticCondition] {
        result.diagnostics.filter { $0.severity == .error }.map(\.condition)
    }

    @Test func keepsTheParametersInTheirGroups() throws {
        let script = try checked(model + "freeze fc until epoch 2\ngroup fc lr 0.1\ngroup rest\ntrain epochs 4")
        #expect(script.freezes.map(\.untilEpoch) == [2])
        let resolution = GroupResolver.resolve(script, initialValues: { _ in nil })
        #expect(resolution.diagnostics.isEmpty, "\(resolution.diagnostics.map(\.message))")
        #expect(resolution.groups.map(\.parameters) == [["fc.weight", "fc.bias"], ["out.weight", "out.bias"]])
        #expect(resolution.frozen == [])
        #expect(resolution.frozenUntil.map(\.name) == ["fc.weight", "fc.bias"])
        #expect(resolution.frozenUntil.map(\.epoch) == [2, 2])
        #expect(resolution.firstTrainedEpoch(of: "fc.bias") == 2)
        #expect(resolution.firstTrainedEpoch(of: "out.bias") == 0)
    }

    @Test func aPlainFreezeWinsAndTheFirstUntilGivesTheEpoch() throws {
        let script = try checked(model + "freeze \"*.bias\"\nfreeze fc until epoch 1\nfreeze all until epoch 3\ntrain epochs 5")
        let resolution = GroupResolver.resolve(script, initialValues: { _ in nil })
        #expect(resolution.frozen == ["fc.bias", "out.bias"])
        #expect(resolution.frozenUntil.map(\.name) == ["fc.weight", "out.weight"])
        #expect(resolution.frozenUntil.map(\.epoch) == [1, 3])
        #expect(resolution.groups.flatMap(\.parameters) == ["fc.weight", "out.weight"])
    }

    @Test func pastTheRunIsALocatedError() throws {
        let text = "freeze fc until epoch 4\ntrain epochs 4"
        let result = check(text)
        #expect(result.script == nil)
        #expect(errors(result) == [.unfreezePastRun(epoch: 4, epochs: 4)])
        let shown = DiagnosticRenderer().render(result.diagnostics, in: SourceFile(path: "test.lrs", text: model + text))
        #expect(shown.contains("test.lrs:4:23: error: 'until epoch 4' is past the run, which has 4 epochs (0 to 3)"), "\(shown)")
        #expect(shown.contains("note: 'train' runs 4 epochs here"), "\(shown)")
        // One epoch before the end is inside the run; the default run is 1 epoch only
        // when a `train` says so, so without one any positive epoch stands.
        #expect(errors(check("freeze fc until epoch 3\ntrain epochs 4")) == [])
        #expect(errors(check("freeze fc until epoch 9")) == [])
        #expect(errors(check("freeze fc until epoch 1\ntrain batch 2")) == [.unfreezePastRun(epoch: 1, epochs: 1)])
    }

    @Test func theEpochIsAPositiveIntegerAfterUntilEpoch() {
        #expect(errors(check("freeze fc until epoch 0")) == [.valueOutOfRange("the epoch after 'until epoch'", value: 0, range: "at least 1")])
        #expect(errors(check("let n = 2\nfreeze fc until epoch n\ntrain epochs 3")) == [])
        #expect(errors(check("freeze fc until epoch 1.5")).count == 1)
        #expect(errors(check("freeze fc until 3")) == [.expected("'epoch' after 'until'", found: "'3'")])
    }

    @Test func theReportSaysUntilWhen() throws {
        let script = try checked(model + "freeze fc until epoch 2\ntrain epochs 3")
        let resolution = GroupResolver.resolve(script, initialValues: { _ in nil })
        let text = GroupReport.text(script, resolution)
        #expect(text.contains("frozen until epoch 2 (no gradient and no update in epochs 0 to 1): fc.weight fc.bias"), "\(text)")
        let json = GroupReport.json(script, resolution, file: "test.lrs", diagnostics: [])
        #expect(json.contains("\"frozen_until\": {\"fc.weight\": 2, \"fc.bias\": 2}"), "\(json)")
        let plain = try checked(model + "train epochs 3")
        #expect(!GroupReport.json(plain, GroupResolver.resolve(plain, initialValues: { _ in nil }), file: "test.lrs", diagnostics: []).contains("frozen_until"))
    }

    @Test func explainSaysItStaysInItsGroup() throws {
        let script = try checked(model + "freeze fc until epoch 2\ngroup fc lr 0.1\ngroup rest\ntrain epochs 3")
        let resolution = GroupResolver.resolve(script, initialValues: { _ in nil })
        let lines = try #require(GroupExplanation.explain("fc.weight", in: script, resolution, initialValues: { _ in nil }))
        #expect(lines.dropFirst().first == "frozen until epoch 2 by 'freeze fc until epoch 2' at line 4: "
                + "no gradient and no update before it; it stays in its group")
        #expect(lines.last?.hasPrefix("taken by group 'fc' (line 5)") == true, "\(lines)")
    }
}
