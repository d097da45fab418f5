import Foundation
import LRSEngine
import LRSOptim

/// `lrs-bench schedule [--groups G] [--steps N] [--repeats R] [--python PATH]`:
/// G per-step lambda schedules over N optimizer steps (G x N rows), computed with
/// `RateTable.compute` and rendered with `ScheduleReport.csv`, best of R runs. With
/// `--python`, PyTorch's LambdaLR computes the same rates in the same run (one optimizer,
/// G groups, a lambda per group, `scheduler.step()` and `get_last_lr()` per step), and the
/// ratio is printed. The lead wires a `schedule` case into main.swift's dispatcher.
func runScheduleBench(_ args: [String]) {
    func option(_ name: String, _ fallback: Int) -> Int {
        guard let i = args.firstIndex(of: name), i + 1 < args.count, let v = Int(args[i + 1]), v > 0 else { return fallback }
        return v
    }
    let groups = option("--groups", 100)
    let steps = option("--steps", 10_000)
    let repeats = option("--repeats", 5)
    let python = args.firstIndex(of: "--python").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }

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
    guard let python else { return }
    guard let torch = torchLambdaSeconds(python: python, groups: groups, steps: steps, repeats: repeats) else {
        print("schedule torch: could not run \(python)")
        return
    }
    print(String(format: "schedule torch LambdaLR compute_s=%.4f (best of %d)", torch, repeats))
    print(String(format: "schedule ratio swift_total/torch_compute=%.3f (target <= 0.5)", total / torch))
}

private func seconds(_ a: DispatchTime, _ b: DispatchTime) -> Double {
    Double(b.uptimeNanoseconds - a.uptimeNanoseconds) / 1e9
}

/// Times torch's LambdaLR for the same workload in a child Python process.
private func torchLambdaSeconds(python: String, groups: Int, steps: Int, repeats: Int) -> Double? {
    let script = """
    import time, warnings, torch
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    from torch.optim.lr_scheduler import LambdaLR
    G, N, R = \(groups), \(steps), \(repeats)
    best = float("inf")
    for _ in range(R):
        t = time.perf_counter()
        ps = [torch.zeros(1, requires_grad=True) for _ in range(G)]
        opt = torch.optim.SGD([{"params": [p], "lr": 0.001 * (g + 1)} for g, p in enumerate(ps)])
        lams = [(lambda s, b=0.95 + 0.0004 * g: b ** (s / 100)) for g in range(G)]
        sch = LambdaLR(opt, lams)
        rows = []
        for _ in range(N):
            rows.append(sch.get_last_lr())
            sch.step()
        best = min(best, time.perf_counter() - t)
    print(best)
    """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
}
