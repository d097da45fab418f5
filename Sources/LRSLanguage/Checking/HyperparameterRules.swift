/// The value checks PyTorch's optimizer constructors make, as diagnostics.
public enum HyperparameterRules {
    /// The problem with a number for a hyperparameter, if any (negative, non-finite).
    public static func problem(name: String, value: Double) -> DiagnosticCondition? {
        guard value.isFinite else { return .valueNotFinite("'\(name)'") }
        if value < 0 { return .negativeHyperparameter(name, value: value) }
        if name == "rho", value > 1 { return .valueOutOfRange("'rho'", value: value, range: "between 0 and 1") }
        return nil
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
