import LRSOptim

extension TrainingState {
    /// Sets `requires_grad` of the parameters frozen `until epoch N` (section 15) for the
    /// epoch about to run: off before N, on from N. While off, backward computes no
    /// gradient for them and their optimizer entry has no gradient, so the optimizer skips
    /// them as PyTorch skips a parameter whose `.grad` is None: no state, no step count, no
    /// weight decay. Their state is created at their first update, as torch's is.
    ///
    /// Depends only on `epoch`, so a run resumed from a checkpoint (which restores `epoch`)
    /// and the REPL's stepping reach the same setting as the uninterrupted run.
    func applyUnfreezing() {
        guard !resolution.frozenUntil.isEmpty else { return }
        let parameters = Dictionary(model.parameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        var changed = false
        for entry in resolution.frozenUntil {
            let on = epoch >= entry.epoch
            guard let parameter = parameters[entry.name], parameter.requiresGrad != on else { continue }
            parameter.requiresGrad = on
            changed = true
        }
        guard changed else { return }
        // The optimizer entries follow: a gradient exactly for the parameters that take one.
        for (groupIndex, group) in resolution.groups.enumerated() {
            let slot = slots[groupIndex]
            let optimizer = optimizers[slot.optimizer]
            var members = optimizer.groups[slot.group].parameters
            for (position, name) in group.parameters.enumerated() where position < members.count {
                guard let parameter = parameters[name] else { continue }
                members[position].grad = parameter.requiresGrad ? parameter.grad : nil
            }
            optimizer.groups[slot.group].parameters = members
        }
    }
}
