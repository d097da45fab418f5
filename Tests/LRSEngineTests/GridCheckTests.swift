import LRSEngine
import LRSLanguage
import Testing

/// A grid is checked point by point before anything runs: each error once, with its points.
@Suite struct GridCheckTests {
    static let script = """
        let rate = 0.01
        let width = 16
        model < linear 4 width; relu; linear width 3 >
        optimizer sgd lr rate
        """

    func check(_ defines: [String]) -> GridCheck.Outcome {
        let axes = defines.compactMap(GridPlan.parseAxis)
        let plan = GridPlan(scripts: ["grid.lrs"], axes: axes)
        return GridCheck.run(plan, scripts: ["grid.lrs"]) { _ in (SourceFile(path: "grid.lrs", text: Self.script), nil) }
    }

    @Test func aBadPointIsNamedAndEachErrorSaidOnce() {
        let outcome = check(["rate=0.1,-5", "width=8,0"])
        #expect(outcome.failed)
        let diagnostics = outcome.problems.first?.diagnostics ?? []
        let messages = diagnostics.map(\.message)
        #expect(messages == ["'out_features' of 'linear' must be at least 1, got 0",
                             "'in_features' of 'linear' must be at least 1, got 0",
                             "'lr' must not be negative, got -5"], "\(messages)")
        #expect(diagnostics.first?.notes.map(\.message) == ["in the grid points rate=0.1, width=0; rate=-5, width=0"])
        #expect(diagnostics.last?.notes.map(\.message) == ["in the grid points rate=-5, width=8; rate=-5, width=0"])
        // The good points are costed for ordering the runs.
        #expect(outcome.costs.count == 1)
    }

    @Test func anErrorOfEveryPointIsNotAnnotated() {
        let outcome = check(["widht=8,16"])
        let diagnostics = outcome.problems.first?.diagnostics ?? []
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.notes.isEmpty == true)
    }

    @Test func manyPointsAreCounted() {
        let outcome = check(["rate=-1,-2,-3,-4,-5,0.1"])
        let notes = outcome.problems.first?.diagnostics.flatMap { $0.notes }.map { $0.message } ?? []
        #expect(notes.count == 5)
        #expect(notes.first == "in the grid point rate=-1")
    }
}
