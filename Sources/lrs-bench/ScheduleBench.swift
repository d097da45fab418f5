import Foundation
import LRSEngine
import LRSOptim

/// `lrs-bench schedule [--groups G] [--steps N] [--repeats R]`: G per-step lambda
/// schedules over N optimizer steps (G x N rows), computed with `RateTable.compute` and
/// rendered with `ScheduleReport.csv`, best of R runs: where `lrs schedule`'s time goes.
/// bench/schedule.py times the whole command beside PyTorch's LambdaLR.
func runScheduleBench(_ args: [String]) {
    func option(_ name: String, _ fallback: Int) -> Int {
        guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]), v > 0 else { return fallback }
        return v
    }
    let groups = option("--groups", 100)
    let steps = option("--steps", 10_000)
    let repeats = option("--repeats", 5)

    var bestCompute = Double.infinity, bestCSV = Double.infinity
    var bytes = 0
    var checksum = 0.0
    for _ in 0..<repeats {
        let start = DispatchTime.now()
        let input = (0..<groups).map { g in
            // lr_g * (0.95 + 0.0004 g)^(step / 100): a different decay per group, every step a new rate
            let base = 0.95 + 0.0004 * Double(g)
            let lr = 0.001 * Double(g + 1)
            let schedule = try? GroupSchedule(.lambda { s in pow(base, Double(s) / 100) }, initialLR: lr,
                                              initialMomentum: .momentum(0))
            return RateTable.Group(name: "g\(g)", lr: lr, schedule: schedule, perStep: true)
        }
        guard let table = try? RateTable.compute(input, epochs: 1, stepsPerEpoch: steps) else {
            print("schedule: compute failed")
            return
        }
        let computed = DispatchTime.now()
        let csv = ScheduleReport.csv(table)
        let rendered = DispatchTime.now()
        bestCompute = min(bestCompute, seconds(start, computed))
        bestCSV = min(bestCSV, seconds(computed, rendered))
        bytes = csv.count
        checksum = table.rates.last ?? 0
    }
    let total = bestCompute + bestCSV
    print("schedule lambda groups=\(groups) steps=\(steps) rows=\(groups * steps) csv_bytes=\(bytes) last_lr=\(checksum)")
    print(String(format: "schedule swift compute_s=%.4f csv_s=%.4f total_s=%.4f (best of %d)", bestCompute, bestCSV, total, repeats))
}

private func seconds(_ a: DispatchTime, _ b: DispatchTime) -> Double {
    Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e9
}
