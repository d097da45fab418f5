import LRSHyperparameters

/// The value checks PyTorch's optimizer constructors make, as diagnostics.
public enum HyperparameterRules {
    /// The problem with a number for a hyperparameter, if any (negative, non-finite).
    public static func problem(name: String, value: Double) -> DiagnosticCondition? {
        guard value.isFinite else { return .valueNotFinite("'\(name)'") }
        // Adafactor's exponent is negative by nature (β2 = 1 - t^beta2_decay) and its
        // clipping threshold at least 1, as torch.optim.Adafactor checks.
        if name == "beta2_decay" {
            return value <= 0 ? nil : .valueOutOfRange("'beta2_decay'", value: value, range: "at most 0")
        }
        if name == "d", value < 1 { return .valueOutOfRange("'d'", value: value, range: "at least 1") }
        if value < 0 { return .negativeHyperparameter(name, value: value) }
        if name == "rho", value > 1 { return .valueOutOfRange("'rho'", value: value, range: "between 0 and 1") }
        return nil
    }

    /// The problem with a list of numbers, if any: `betas` each in [0, 1); rprop's `etas`
    /// with 0 < etas[0] < 1 < etas[1] and its `step_sizes` not negative; adafactor's `eps`
    /// (the first may be none) not negative.
    public static func problem(name: String, values: [Double?]) -> DiagnosticCondition? {
        switch name {
        case "betas": return problem(betas: values.compactMap { $0 })
        case "etas":
            guard values.count == 2, let minus = values[0], let plus = values[1] else { return nil }
            if !(minus > 0 && minus < 1) { return .valueOutOfRange("'etas' first value", value: minus, range: "between 0 and 1 (exclusive)") }
            if !(plus > 1) { return .valueOutOfRange("'etas' second value", value: plus, range: "greater than 1") }
            return nil
        case "step_sizes", "eps":
            for case let value? in values where value < 0 { return .negativeHyperparameter(name, value: value) }
            return nil
        default: return nil
        }
    }

    /// The same for numbers none of which is none, as most lists are: `betas` read as they
    /// are, not copied into optionals first (every group of a big script has its `betas`).
    public static func problem(name: String, values: [Double]) -> DiagnosticCondition? {
        name == "betas" ? problem(betas: values) : problem(name: name, values: values.map(Optional.some))
    }

    /// The problem with Muon's `ns_steps`, if any: torch refuses 100 or more at its first step.
    public static func problem(name: String, integer: Int) -> DiagnosticCondition? {
        guard name == "ns_steps", integer < 0 || integer >= 100 else { return nil }
        return .valueOutOfRange("'ns_steps'", value: Double(integer), range: "between 0 and 99")
    }

    /// The problem with the pair of `betas`, if any: each in [0, 1).
    public static func problem(betas: [Double]) -> DiagnosticCondition? {
        for beta in betas where !(beta >= 0 && beta < 1) { return .betaOutOfRange(beta) }
        return nil
    }

    /// The rules between values: SGD's nesterov needs momentum > 0 and dampening 0; AdamW is
    /// Adam with `decoupled_weight_decay` true, which its constructor does not let one change.
    /// The second value is the name of the setting the problem is about.
    public static func problem(kind: OptimizerKind, settings: [HyperparameterSetting]) -> (DiagnosticCondition, String)? {
        func value(_ name: String) -> ArgumentValue? { settings.first { $0.name == name }?.value }
        if kind == .adamw, case .bool(false)? = value("decoupled_weight_decay") {
            return (.adamwCoupledDecay, "decoupled_weight_decay")
        }
        return problem(settings: settings).map { ($0, "nesterov") }
    }

    /// SGD's rule: nesterov needs momentum > 0 and dampening 0.
    private static func problem(settings: [HyperparameterSetting]) -> DiagnosticCondition? {
        func value(_ name: String) -> ArgumentValue? { settings.first { $0.name == name }?.value }
        guard case .bool(true)? = value("nesterov") else { return nil }
        guard let momentum = value("momentum")?.number, let dampening = value("dampening")?.number else { return nil }
        return momentum > 0 && dampening == 0 ? nil : .nesterovNeedsMomentum
    }
}
