import LRSHyperparameters

extension Checker {
    // optimizer := 'optimizer' KIND { NAME value{arity} }
    mutating func checkOptimizer(kind: Name, _ options: [OptionSyntax], range: SourceRange) -> CheckedOptimizer? {
        guard let known = knownKind(kind) else { return nil }
        let settings = hyperparameters(kind: known, base: nil, options, source: .optimizer, variables: [])
        guard let settings else {
            // Its errors are reported; its kind with the defaults still checks the groups.
            failedOptimizer = CheckedOptimizer(kind: known, hyperparameters: known.hyperparameters.map {
                HyperparameterSetting(name: $0.name, value: defaultArgument($0), source: .default, range: nil)
            }, range: range)
            return nil
        }
        return CheckedOptimizer(kind: known, hyperparameters: settings, range: range)
    }

    /// The kind a name spells, or a diagnostic with suggestions.
    mutating func knownKind(_ kind: Name) -> OptimizerKind? {
        guard let known = OptimizerKind(rawValue: kind.text) else {
            let suggestions = Suggestions.nearest(to: kind.text, in: OptimizerKind.allCases.map(\.rawValue))
            diagnostics.error(.unknownOptimizer(kind.text, suggestions: suggestions), at: kind.range)
            return nil
        }
        return known
    }

    /// Every hyperparameter of a kind: `options` over `base` (the optimizer statement's
    /// values, when the kind is the same) over PyTorch's defaults. Values may read
    /// `variables` (an `each` group's `layer`, `layers`, `numel`, `ndim`); those stay
    /// expressions and are checked when the group is expanded.
    mutating func hyperparameters(kind: OptimizerKind, base: [HyperparameterSetting]?,
                                  _ options: [OptionSyntax], source: ValueSource,
                                  variables: [String]) -> [HyperparameterSetting]? {
        guard checkDistinct(options) else { return nil }
        let specs = kind.hyperparameters
        var ok = true
        for option in options where !diagnostics.isFull && !specs.contains(where: { $0.name == option.name.text }) {
            let valid = specs.map(\.name)
            let suggestions = Suggestions.nearest(to: option.name.text, in: valid)
            diagnostics.error(.unknownHyperparameter(option.name.text, kind: kind.rawValue, valid: valid, suggestions: suggestions),
                              at: option.name.range)
            ok = false
        }
        var settings: [HyperparameterSetting] = []
        settings.reserveCapacity(specs.count)
        for (index, spec) in specs.enumerated() {
            // The message text captures the name alone: capturing `spec` would copy it.
            let name = spec.name
            guard let option = options.first(where: { $0.name.text == name }) else {
                // `base` lists the same kind's hyperparameters in the same order.
                if let base, index < base.count, base[index].name == spec.name {
                    settings.append(base[index])
                } else if let inherited = base?.first(where: { $0.name == spec.name }) {
                    settings.append(inherited)
                } else {
                    settings.append(HyperparameterSetting(name: spec.name, value: defaultArgument(spec), source: .default, range: nil))
                }
                continue
            }
            guard let value = value(of: option, spec: spec, what: "'\(name)'", variables: variables) else {
                ok = false
                continue
            }
            if let problem = Checker.problem(name: spec.name, value: value) {
                diagnostics.error(problem, at: option.range)
                ok = false
            }
            settings.append(HyperparameterSetting(name: spec.name, value: value, source: source, range: option.range))
        }
        if ok, let (problem, name) = HyperparameterRules.problem(kind: kind, settings: settings) {
            let range = options.first { $0.name.text == name }?.range ?? options.first?.range
            diagnostics.error(problem, at: range)
            ok = false
        }
        return ok ? settings : nil
    }

    static func problem(name: String, value: ArgumentValue) -> DiagnosticCondition? {
        switch value {
        case .number(let x): return HyperparameterRules.problem(name: name, value: x)
        case .numbers(let list): return HyperparameterRules.problem(name: name, values: list)
        case .optionalNumbers(let list): return HyperparameterRules.problem(name: name, values: list)
        case .integer(let n): return HyperparameterRules.problem(name: name, integer: n)
        default: return nil
        }
    }
}
