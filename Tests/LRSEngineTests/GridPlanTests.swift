import Testing
@testable import LRSEngine

@Suite struct GridPlanTests {
    @Test func parsesValuesAndKeepsCommasInsideParentheses() {
        #expect(GridPlan.parseAxis("lr=0.1,0.01") == .init(name: "lr", values: ["0.1", "0.01"]))
        #expect(GridPlan.parseAxis("lr=max(0.1,0.2),3") == .init(name: "lr", values: ["max(0.1,0.2)", "3"]))
        #expect(GridPlan.parseAxis("lr = 0.5") == .init(name: "lr", values: ["0.5"]))
        #expect(GridPlan.parseAxis("lr") == nil)
        #expect(GridPlan.parseAxis("lr=") == nil)
        #expect(GridPlan.parseAxis("lr=1,,2") == nil)
        #expect(GridPlan.parseAxis("1x=2") == nil)
    }

    @Test func expandsScriptsThenAxesLastFastest() {
        let plan = GridPlan(scripts: ["a.lrs", "b.lrs"], axes: [
            .init(name: "lr", values: ["0.1", "0.01"]),
            .init(name: "wd", values: ["0", "1e-4", "1e-3"]),
        ])
        #expect(plan.runs.count == 12)
        #expect(plan.runs[0].script == "a.lrs")
        #expect(plan.runs[0].defineArguments == ["-D", "lr=0.1", "-D", "wd=0"])
        #expect(plan.runs[1].defineArguments == ["-D", "lr=0.1", "-D", "wd=1e-4"])
        #expect(plan.runs[3].defineArguments == ["-D", "lr=0.01", "-D", "wd=0"])
        #expect(plan.runs[6].script == "b.lrs")
        #expect(plan.runs.map(\.index) == Array(0 ..< 12))
    }

    @Test func rendersTheResultsTableInEveryFormat() {
        let plan = GridPlan(scripts: ["s.lrs"], axes: [.init(name: "lr", values: ["0.1", "0.2"])])
        var ok = RunSummary(status: .ok)
        ok.finalLoss = 0.25
        ok.bestValidationAccuracy = 0.96
        ok.seconds = 1.5
        var bad = RunSummary(status: .failed)
        bad.error = "s.lrs:3:1: error: loss is NaN, at epoch 2"
        let table = ResultsTable(axes: ["lr"], outcomes: [
            .init(run: plan.runs[0], directory: "runs/001", summary: ok),
            .init(run: plan.runs[1], directory: "runs/002", summary: bad),
        ])
        let csv = table.render(.csv).split(separator: "\n")
        #expect(csv[0] == "script,lr,final_loss,best_val_loss,best_val_acc,seconds,status,error")
        #expect(csv[1] == "s.lrs,0.1,0.2500,,0.9600,1.50,ok,")
        #expect(csv[2] == #"s.lrs,0.2,,,,0.00,failed,"s.lrs:3:1: error: loss is NaN, at epoch 2""#)
        let md = table.render(.md)
        #expect(md.hasPrefix("| script | lr | final_loss |"))
        #expect(md.contains("| s.lrs | 0.1 | 0.2500 |"))
        let json = table.render(.json)
        #expect(json.contains("\"values\": {\"lr\": \"0.2\"}"))
        #expect(json.contains("\"status\": \"failed\""))
        #expect(json.contains("\"final_loss\": null"))
        #expect(table.render(.text).contains("not run") == false)
        #expect(ResultsTable.Format(path: "x/results.md") == .md)
        #expect(ResultsTable.Format(path: "r.txt") == nil)
    }
}
