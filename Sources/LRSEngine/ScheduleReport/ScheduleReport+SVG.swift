import Foundation
import LRSOptim

extension ScheduleReport {
    /// A self-contained SVG plot: a line per group (each rate drawn over the step it is in
    /// force for), axes with ticks and labels, a legend, epoch boundaries for per-step
    /// tables, and a logarithmic rate axis when `options.logScale`.
    public static func svg(_ table: RateTable, options: Options = Options()) -> String {
        var plot = SVGPlot(table: table, logScale: options.logScale)
        plot.axisName = options.parameter == "lr" ? "learning rate" : options.parameter
        return plot.render(title: options.title ?? plot.axisName + " per group")
    }
}

/// The geometry and drawing of `ScheduleReport.svg`.
struct SVGPlot {
    let table: RateTable
    let logScale: Bool
    /// What the vertical axis shows: "learning rate", or the hyperparameter `--param` names.
    var axisName = "learning rate"
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    let height = 440.0
    let plotWidth = 640.0
    let left = 84.0, top = 46.0, bottom = 58.0
    var legendWidth: Double {
        let longest = table.groups.map(\.count).max() ?? 0
        return min(Double(min(longest, 26)) * 7.2 + 48 + (table.heldConstant.isEmpty ? 0 : 44), 270)
    }
    var width: Double { left + plotWidth + 24 + legendWidth }
    var plotHeight: Double { height - top - bottom }
    var yLow = 0.0, yHigh = 1.0

    init(table: RateTable, logScale: Bool) {
        self.table = table
        let finite = table.rates.filter { $0.isFinite }
        let positive = finite.filter { $0 > 0 }
        // A log axis needs positive rates; with none it falls back to linear.
        self.logScale = logScale && !positive.isEmpty
        if self.logScale {
            let lo = positive.min() ?? 1e-3, hi = positive.max() ?? 1
            yLow = pow(10, (log10(lo)).rounded(.down))
            yHigh = pow(10, (log10(hi)).rounded(.up))
            if yHigh <= yLow { yHigh = yLow * 10 }
        } else {
            let hi = finite.max() ?? 1
            let lo = min(finite.min() ?? 0, 0)
            let step = Self.niceStep((hi - lo) / 5)
            yLow = (lo / step).rounded(.down) * step
            yHigh = max((hi / step).rounded(.up) * step, yLow + step)
        }
    }

    func x(_ step: Double) -> Double { left + step / Double(max(table.steps, 1)) * plotWidth }

    func y(_ value: Double) -> Double {
        let t: Double
        if logScale {
            let v = max(value, yLow)
            t = (log10(v) - log10(yLow)) / (log10(yHigh) - log10(yLow))
        } else {
            t = (value - yLow) / (yHigh - yLow)
        }
        return top + (1 - t) * plotHeight
    }

    mutating func render(title: String) -> String {
        var s = ""
        s += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        s += "viewBox=\"0 0 \(f(width)) \(f(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        s += "<text x=\"\(f(left))\" y=\"26\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">\(xml(title))</text>\n"
        s += yAxis()
        s += xAxis()
        for g in table.groups.indices { s += line(g) }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#444\" stroke-width=\"1\"/>\n"
        s += legend()
        s += "</svg>\n"
        return s
    }

    private func yAxis() -> String {
        var s = ""
        var ticks: [(Double, Bool)] = []   // value, labelled
        if logScale {
            let decades = Int((log10(yHigh) - log10(yLow)).rounded())
            for d in 0...max(decades, 0) {
                let base = yLow * pow(10, Double(d))
                ticks.append((base, true))
                if decades <= 6 && d < decades { for m in 2...9 { ticks.append((base * Double(m), false)) } }
            }
        } else {
            let step = Self.niceStep((yHigh - yLow) / 5)
            var v = yLow
            while v <= yHigh + step * 1e-9 {
                ticks.append((abs(v) < step * 1e-9 ? 0 : v, true))
                v += step
            }
        }
        for (value, labelled) in ticks {
            let py = y(value)
            s += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(py))\" y2=\"\(f(py))\" stroke=\"\(labelled ? "#e3e3e3" : "#f2f2f2")\" stroke-width=\"1\"/>\n"
            s += "<line x1=\"\(f(left - (labelled ? 5 : 3)))\" x2=\"\(f(left))\" y1=\"\(f(py))\" y2=\"\(f(py))\" stroke=\"#444\"/>\n"
            if labelled {
                s += "<text x=\"\(f(left - 8))\" y=\"\(f(py + 4))\" text-anchor=\"end\" fill=\"#333\">\(tickLabel(value))</text>\n"
            }
        }
        let label = logScale ? axisName + " (log scale)" : axisName
        s += "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">\(label)</text>\n"
        return s
    }

    private func xAxis() -> String {
        var s = ""
        let k = max(table.stepsPerEpoch, 1)
        let epochs = table.epochs
        // Epoch boundaries: faint lines where a per-step schedule crosses into a new epoch.
        if k > 1 && epochs > 1 {
            let every = max(1, Int((Double(epochs) / 60).rounded(.up)))
            for e in stride(from: every, to: epochs, by: every) {
                let px = x(Double(e * k))
                s += "<line x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" stroke=\"#d0d0e8\" stroke-width=\"1\" stroke-dasharray=\"2 3\"/>\n"
            }
        }
        let step = max(1, Int(Self.niceStep(Double(max(epochs, 1)) / 8)))
        for e in stride(from: 0, through: epochs, by: step) {
            let px = x(Double(e * k))
            s += "<line x1=\"\(f(px))\" x2=\"\(f(px))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"#444\"/>\n"
            s += "<text x=\"\(f(px))\" y=\"\(f(top + plotHeight + 19))\" text-anchor=\"middle\" fill=\"#333\">\(e)</text>\n"
        }
        let label = k > 1 ? "epoch (\(k) optimizer steps each)" : "epoch"
        s += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\" fill=\"#333\">\(label)</text>\n"
        return s
    }

    /// The group's rates: a staircase (each rate over the step it is in force for) when
    /// they change at few steps, a line through the steps' rates when they change at most
    /// (a staircase of hundreds of tiny stairs reads as noise). Long tables keep, per
    /// pixel column, the first, lowest, highest and last rate so that no peak is lost.
    private func line(_ g: Int) -> String {
        let n = table.steps
        guard n > 0 else { return "" }
        var points: [(Double, Double)] = []
        let columns = Int(plotWidth)
        var changes = 0
        for s in 1..<max(n, 1) where table.lr(step: s, group: g) != table.lr(step: s - 1, group: g) { changes += 1 }
        if changes * 8 > columns && n <= columns * 2 {
            for s in 0..<n { points.append((x(Double(s)), y(table.lr(step: s, group: g)))) }
            points.append((x(Double(n)), y(table.lr(step: n - 1, group: g))))
        } else if n <= columns * 2 {
            for s in 0..<n {
                let v = table.lr(step: s, group: g)
                points.append((x(Double(s)), y(v)))
                points.append((x(Double(s + 1)), y(v)))
            }
        } else {
            var s = 0
            for c in 0..<columns {
                let end = min(n, (c + 1) * n / columns)
                guard s < end else { continue }
                var lo = Double.infinity, hi = -Double.infinity
                let first = table.lr(step: s, group: g)
                var last = first
                for i in s..<end {
                    last = table.lr(step: i, group: g)
                    lo = min(lo, last)
                    hi = max(hi, last)
                }
                let x0 = x(Double(s)), x1 = x(Double(end))
                points.append((x0, y(first)))
                if lo != hi { points.append(((x0 + x1) / 2, y(lo))); points.append(((x0 + x1) / 2, y(hi))) }
                points.append((x1, y(last)))
                s = end
            }
        }
        let color = Self.palette[g % Self.palette.count]
        let held = table.heldConstant.contains(table.groups[g])
        var s = "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" stroke-linejoin=\"round\""
        if held || g >= Self.palette.count { s += " stroke-dasharray=\"6 3\"" }
        s += " points=\""
        var previous: (Double, Double)?
        for p in points where previous.map({ $0 != p }) ?? true {
            s += "\(f(p.0)),\(f(p.1)) "
            previous = p
        }
        return s + "\"/>\n"
    }

    private func legend() -> String {
        var s = ""
        let x0 = left + plotWidth + 18
        let shown = min(table.groups.count, 24)
        for g in 0..<shown {
            let py = top + 10 + Double(g) * 20
            let color = Self.palette[g % Self.palette.count]
            let held = table.heldConstant.contains(table.groups[g])
            let dash = held || g >= Self.palette.count ? " stroke-dasharray=\"6 3\"" : ""
            s += "<line x1=\"\(f(x0))\" x2=\"\(f(x0 + 24))\" y1=\"\(f(py))\" y2=\"\(f(py))\" stroke=\"\(color)\" stroke-width=\"3\"\(dash)/>\n"
            let full = table.groups[g]
            let clipped = full.count > 26 ? String(full.prefix(25)) + "…" : full
            let name = xml(clipped) + (held ? " (held)" : "")
            s += "<text x=\"\(f(x0 + 30))\" y=\"\(f(py + 4))\" fill=\"#222\">\(name)</text>\n"
        }
        if table.groups.count > shown {
            s += "<text x=\"\(f(x0))\" y=\"\(f(top + 10 + Double(shown) * 20 + 4))\" fill=\"#666\">+\(table.groups.count - shown) more</text>\n"
        }
        return s
    }

    private func tickLabel(_ v: Double) -> String {
        if v == 0 { return "0" }
        if logScale { return String(format: "%g", v) }
        return String(format: "%g", (v * 1e12).rounded() / 1e12)
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let p = pow(10, log10(raw).rounded(.down))
        for m in [1.0, 2.0, 5.0, 10.0] where m * p >= raw * (1 - 1e-12) { return m * p }
        return 10 * p
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    private func xml(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
