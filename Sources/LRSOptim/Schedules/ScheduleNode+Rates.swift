import Foundation

// The `get_lr` (chainable, recursive) and `_get_closed_form_lr` of every torch scheduler,
// with Python's evaluation order kept so that every rounding is the same.
extension ScheduleNode {
    /// `get_lr()`: the next rate from the group's current one; cyclic and onecycle also
    /// write the cycled momentum into the group.
    /// `mutating` only so that it runs on the node in place: a copy would retain its closure.
    mutating func rate(group: inout TorchGroup, initial: Bool) throws(ScheduleError) -> Double {
        let lr = group.lr
        let epoch = lastEpoch
        switch rule {
        case .lambda(let f):
            return baseLR * f(epoch)
        case .multiplicative(let f):
            return initial ? lr : lr * f(epoch)
        case let .step(stepSize, gamma):
            return epoch == 0 || epoch % stepSize != 0 ? lr : lr * gamma
        case let .multiStep(counts, _, gamma):
            guard let count = counts[epoch] else { return lr }
            return lr * pow(gamma, Double(count))
        case .exponential(let gamma):
            return initial ? lr : lr * gamma
        case let .cosine(tMax, etaMin):
            return cosineRate(lr: lr, tMax: tMax, etaMin: etaMin, initial: initial)
        case .cosineRestarts:
            return warmRestartsRate()
        case let .linear(s, e, total):
            if epoch == 0 { return lr * s }
            if initial || epoch > total { return lr }
            // lr * (1 + (e - s) / (T s + (t - 1)(e - s)))
            return lr * (1.0 + (e - s) / (Double(total) * s + Double(epoch - 1) * (e - s)))
        case let .constant(factor, total):
            if epoch == 0 { return lr * factor }
            if epoch != total { return lr }
            return lr * (1.0 / factor)
        case let .polynomial(total, power):
            if initial || epoch > total { return lr }
            // ((1 - t/T) / (1 - (t-1)/T))^power
            let decay = pow((1.0 - Double(epoch) / Double(total)) / (1.0 - Double(epoch - 1) / Double(total)), power)
            return lr * decay
        case .cyclic(let cyclic):
            return cyclicRate(cyclic, group: &group)
        case .oneCycle(let oneCycle):
            return try oneCycleRate(oneCycle, group: &group)
        case .plateau, .sequential, .chained:
            return lr
        }
    }

    /// `_get_closed_form_lr()` at `last_epoch`, for the classes that define it.
    func closedForm() -> Double? {
        let epoch = lastEpoch
        switch rule {
        case let .step(stepSize, gamma):
            return baseLR * pow(gamma, Double(floorDivide(epoch, stepSize)))
        case let .multiStep(_, sorted, gamma):
            return baseLR * pow(gamma, Double(bisectRight(sorted, epoch)))
        case let .constant(factor, total):
            return baseLR * (factor + (epoch >= total ? 1 - factor : 0.0))
        case let .linear(s, e, total):
            return baseLR * (s + (e - s) * Double(min(total, epoch)) / Double(total))
        case .exponential(let gamma):
            return baseLR * pow(gamma, Double(epoch))
        case let .polynomial(total, power):
            return baseLR * pow(1.0 - Double(min(total, epoch)) / Double(total), power)
        case let .cosine(tMax, etaMin):
            return etaMin + (baseLR - etaMin) * (1 + cos(Double.pi * Double(epoch) / Double(tMax))) / 2
        default:
            return nil
        }
    }

    private func cosineRate(lr: Double, tMax: Int, etaMin: Double, initial: Bool) -> Double {
        let t = lastEpoch
        let T = Double(tMax)
        if initial { return lr }
        if stepCount == 1 && t > 0 {
            return etaMin + (baseLR - etaMin) * (1 + cos(Double(t) * Double.pi / T)) / 2
        }
        if pythonModulo(t - 1 - tMax, 2 * tMax) == 0 {
            return lr + (baseLR - etaMin) * (1 - cos(Double.pi / T)) / 2
        }
        // (1 + cos(pi t / T)) / (1 + cos(pi (t - 1) / T)) * (lr - eta_min) + eta_min
        return (1 + cos(Double.pi * Double(t) / T)) / (1 + cos(Double.pi * Double(t - 1) / T)) * (lr - etaMin) + etaMin
    }

    /// eta_min + (base - eta_min) (1 + cos(pi T_cur / T_i)) / 2
    func warmRestartsRate() -> Double {
        guard case .cosineRestarts(_, _, let etaMin) = rule else { return baseLR }
        return etaMin + (baseLR - etaMin) * (1 + cos(Double.pi * Double(tCur) / Double(tI))) / 2
    }

    private func cyclicRate(_ c: CyclicRule, group: inout TorchGroup) -> Double {
        let t = Double(lastEpoch)
        let cycle = (1 + t / c.totalSize).rounded(.down)
        let x = 1.0 + t / c.totalSize - cycle
        let scaleFactor = x <= c.stepRatio ? x / c.stepRatio : (x - 1) / (c.stepRatio - 1)
        // triangular: 1; triangular2: 1 / 2^(cycle - 1) per cycle; exp_range: gamma^t per iteration
        let scale: Double = switch c.mode {
        case .triangular: 1.0
        case .triangular2: 1 / pow(2.0, cycle - 1)
        case .expRange: pow(c.gamma, t)
        }
        let lr = baseLR + (c.maxLR - baseLR) * scaleFactor * scale
        if let m = c.momentum {
            group.momentum = m.max - (m.max - m.base) * scaleFactor * scale
        }
        return lr
    }

    private func oneCycleRate(_ o: OneCycleRule, group: inout TorchGroup) throws(ScheduleError) -> Double {
        let stepNumber = lastEpoch
        if stepNumber > o.totalSteps { throw .stepsExceeded(step: stepNumber, totalSteps: o.totalSteps) }
        var startStep = 0.0
        for (i, phase) in o.phases.enumerated() {
            if Double(stepNumber) <= phase.endStep || i == o.phases.count - 1 {
                let pct = (Double(stepNumber) - startStep) / (phase.endStep - startStep)
                let lr = anneal(o.anneal, group[phase.startLR], group[phase.endLR], pct)
                if o.cyclesMomentum {
                    group.momentum = anneal(o.anneal, group[phase.startMomentum], group[phase.endMomentum], pct)
                }
                return lr
            }
            startStep = phase.endStep
        }
        return group.lr
    }

    private func anneal(_ kind: OneCycleOptions.Anneal, _ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch kind {
        case .cos:
            // end + (start - end) / 2 * (cos(pi pct) + 1)
            let cosOut = cos(Double.pi * pct) + 1
            return end + (start - end) / 2.0 * cosOut
        case .linear:
            return (end - start) * pct + start
        }
    }
}

/// Python's `%` on integers: the result takes the divisor's sign.
func pythonModulo(_ a: Int, _ b: Int) -> Int {
    let r = a % b
    return r != 0 && (r < 0) != (b < 0) ? r + b : r
}

/// Python's `//` on integers.
func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0) && ((a < 0) != (b < 0)) ? q - 1 : q
}
