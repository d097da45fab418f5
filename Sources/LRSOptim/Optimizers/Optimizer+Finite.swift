import Synchronization

/// A gradient element that is NaN or infinite, found before a step could spread it into
/// the optimizer's state.
public struct NonFiniteGradient: Equatable, Sendable {
    /// The group's position in `Optimizer.groups`.
    public let group: Int
    /// The parameter's position in its group.
    public let parameter: Int

    /// The location of a non-finite gradient.
    public init(group: Int, parameter: Int) {
        self.group = group
        self.parameter = parameter
    }
}

extension Optimizer {
    /// The first parameter whose gradient holds a NaN or an infinity, or nil when every
    /// gradient is finite. One read of the gradients, shared between cores: the engine calls
    /// it before `step()` so a checkpoint keeps the state from before a bad step.
    public func firstNonFiniteGradient() -> NonFiniteGradient? {
        var located: [(group: Int, parameter: Int)] = []
        var counts: [Int] = []
        for g in groups.indices {
            for i in groups[g].parameters.indices {
                guard let grad = groups[g].parameters[i].grad else { continue }
                located.append((g, i))
                counts.append(grad.count)
            }
        }
        let pieces = groups.flatMap { $0.parameters.compactMap(\.grad) }
        // The smallest index of a parameter with a non-finite element, shared by the workers.
        let firstBad = Atomic<Int>(Int.max)
        ParallelRanges.run(counts: counts) { item, range in
            guard item < firstBad.load(ordering: .relaxed),
                  !allFinite(UnsafePointer(pieces[item].data), range) else { return }
            var seen = firstBad.load(ordering: .relaxed)
            while item < seen {
                let (exchanged, original) = firstBad.compareExchange(
                    expected: seen, desired: item, ordering: .relaxed)
                if exchanged { break }
                seen = original
            }
        }
        let first = firstBad.load(ordering: .relaxed)
        guard first < located.count else { return nil }
        return NonFiniteGradient(group: located[first].group, parameter: located[first].parameter)
    }
}

/// Whether every element in the range is finite: an exponent field of all ones marks NaN
/// and infinity, and adding one to the exponent field carries into the sign bit only then.
/// Or-ing those sums is a branch-free integer reduction that vectorises.
private func allFinite(_ values: UnsafePointer<Float>, _ range: Range<Int>) -> Bool {
    let bits = UnsafeRawPointer(values).assumingMemoryBound(to: UInt32.self)
    var found: UInt32 = 0
    for i in range {
        found |= (bits[i] & 0x7f80_0000) &+ 0x0080_0000
    }
    return found & 0x8000_0000 == 0
}
