/// The argument checks PyTorch's scheduler constructors make (and a few that would
/// otherwise divide by zero), as diagnostics.
enum ScheduleRules {
    static func problem(kind: ScheduleKind, argument: String, value: ArgumentValue) -> DiagnosticCondition? {
        // Built only for a message: most arguments are in range.
        var what: String { "'\(argument)' of '\(kind.rawValue)'" }
        func atLeast(_ bound: Double) -> DiagnosticCondition? {
            guard let x = value.number, x < bound else { return nil }
            return .valueOutOfRange(what, value: x, range: "at least \(format(bound))")
        }
        func between(_ low: Double, _ high: Double, openLow: Bool = false) -> DiagnosticCondition? {
            guard let x = value.number else { return nil }
            let inside = (openLow ? x > low : x >= low) && x <= high
            return inside ? nil : .valueOutOfRange(what, value: x, range: "between \(format(low)) and \(format(high))")
        }
        switch (kind, argument) {
        case (.step, "step_size"), (.cosine, "T_max"), (.cosine_restarts, "T_0"), (.cosine_restarts, "t_mult"),
             (.cyclic, "step_size_up"), (.cyclic, "step_size_down"), (.onecycle, "total_steps"), (.wsd, "decay"):
            return atLeast(1)
        case (.linear, "total_iters"), (.constant, "total_iters"), (.polynomial, "total_iters"),
             (.plateau, "patience"), (.plateau, "cooldown"), (.plateau, "min_lr"), (.plateau, "eps"),
             (.plateau, "threshold"), (.cosine, "eta_min"), (.cosine_restarts, "eta_min"),
             (.cyclic, "base_lr"), (.cyclic, "max_lr"), (.onecycle, "max_lr"), (.polynomial, "power"),
             (.step, "gamma"), (.multistep, "gamma"), (.exponential, "gamma"), (.cyclic, "gamma"),
             (.wsd, "warmup"), (.wsd, "min_factor"), (.wsd, "warmup_factor"):
            return atLeast(0)
        case (.constant, "factor"), (.linear, "end_factor"), (.onecycle, "pct_start"):
            return between(0, 1)
        case (.linear, "start_factor"):
            return between(0, 1, openLow: true)
        case (.plateau, "factor"):
            guard let x = value.number, !(x >= 0 && x < 1) else { return nil }
            return .valueOutOfRange(what, value: x, range: "at least 0 and below 1")
        case (.onecycle, "div_factor"), (.onecycle, "final_div_factor"):
            guard let x = value.number, x <= 0 else { return nil }
            return .valueOutOfRange(what, value: x, range: "above 0")
        default:
            return nil
        }
    }
}
