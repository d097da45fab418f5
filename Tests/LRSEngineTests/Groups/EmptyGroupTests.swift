import Testing
@testable import LRSEngine
import LRSLanguage

/// A glob that matches no parameter name is a typo and an error, with the nearest names;
/// a group whose parameters earlier groups or `freeze` took stays a warning that says who.
@Suite struct EmptyGroupTests {
    let model = "input 4\nmodel < fc: linear 4 3; relu; out: linear 3 2 >\n"

    func check(_ text: String) -> CheckResult {
        Checker.check(SourceFile(path: "test.lrs", text: model + text), options: Checker.Options(checkFiles: false))
    }

    @Test func globMatchingNoNameIsAnErrorWithTheNearestNames() {
        let result = check("group \"*.weigth\" lr 0.1\ngroup \"fc.bais\" lr 0.2\nfreeze \"ot.*\"\ngroup rest lr 0.3")
        #expect(result.script == nil)
        #expect(result.diagnostics.filter { $0.severity == .error }.map(\.condition) == [
            .globMatchesNoParameter("*.weigth", nearest: ["fc.weight", "out.weight"]),
            .globMatchesNoParameter("fc.bais", nearest: ["fc.bias"]),
            .globMatchesNoParameter("ot.*", nearest: ["out.weight", "out.bias"]),
        ])
        let far = check("group \"encoder.*\" lr 0.1\ngroup rest lr 0.3")
        #expect(far.diagnostics.filter { $0.severity == .error }.map(\.condition) == [.globMatchesNoParameter("encoder.*", nearest: [])])
    }

    @Test func globThatMatchesButFindsNothingLeftIsAWarning() throws {
        let script = try checked(model + "group fc lr 0.1\ngroup \"fc.*\" lr 0.2\ngroup rest lr 0.3")
        let resolution = GroupResolver.resolve(script, initialValues: { _ in nil })
        #expect(resolution.diagnostics.map(\.severity) == [.warning])
        #expect(resolution.diagnostics.map(\.condition) == [.emptyGroup("group2", takenBy: ["fc"])])
    }

    @Test func groupEmptiedByFreezeSaysSo() throws {
        let script = try checked(model + "freeze out\ngroup fc lr 0.1\ngroup out lr 0.2\ngroup linear lr 0.3")
        let resolution = GroupResolver.resolve(script, initialValues: { _ in nil })
        #expect(resolution.diagnostics.map(\.condition) == [.emptyGroup("out", takenBy: [], frozen: true),
                                                            .emptyGroup("linear", takenBy: ["fc"], frozen: true)])
        let source = SourceFile(path: "test.lrs", text: model + "freeze out\ngroup fc lr 0.1\ngroup out lr 0.2\ngroup linear lr 0.3")
        let shown = DiagnosticRenderer().render(resolution.diagnostics, in: source)
        #expect(shown.contains("warning: group 'out' has no parameters; they were taken by 'freeze'"), "\(shown)")
        #expect(shown.contains("warning: group 'linear' has no parameters; they were taken by 'fc' and 'freeze'"), "\(shown)")
        #expect(shown.contains("test.lrs:3:1: note: 'freeze' takes them here"), "\(shown)")
    }

    @Test func nearestToPatternCountsWildcardsAsFree() {
        let names = ["conv1.weight", "conv1.bias", "fc.weight", "fc.bias"]
        #expect(Suggestions.nearest(toPattern: "*.wieght", in: names) == ["conv1.weight", "fc.weight"])
        #expect(Suggestions.nearest(toPattern: "conv?.bais", in: names) == ["conv1.bias"])
        #expect(Suggestions.nearest(toPattern: "[cf]*.bia", in: names) == ["conv1.bias", "fc.bias"])
        #expect(Suggestions.nearest(toPattern: "decoder.*", in: names) == [])
    }
}
