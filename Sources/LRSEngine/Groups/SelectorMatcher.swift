import LRSLanguage

/// Decides whether a selector takes a parameter, and says why (for `--explain`).
struct SelectorMatcher {
    let model: CheckedModel
    let constants: [String: Double]
    let initialValues: InitialValueProvider
    /// How many layers have parameters (`layers` in predicates).
    let layerCount: Int
    /// Parameters whose values were needed but not available.
    private(set) var missing: [String] = []

    init(model: CheckedModel, constants: [String: Double], initialValues: @escaping InitialValueProvider) {
        self.model = model
        self.constants = constants
        self.initialValues = initialValues
        self.layerCount = model.parameterLayerCount
    }

    mutating func matches(_ selector: SelectorSyntax, _ parameter: ParameterInfo) -> Bool {
        switch selector.kind {
        case .all, .rest: return true
        case .word(let word):
            return parameter.isSelected(byWord: word)
        case .glob(let pattern):
            return Glob.matches(pattern, parameter.name)
        case .captureGlob(let glob):
            return glob.match(parameter.name) != nil
        case .where(let inner, let predicate):
            guard matches(inner, parameter) else { return false }
            return holds(predicate, parameter)
        case .and(let parts):
            for part in parts where !matches(part, parameter) { return false }
            return true
        case .or(let parts):
            for part in parts where matches(part, parameter) { return true }
            return false
        case .not(let inner): return !matches(inner, parameter)
        }
    }

    /// Whether the selector takes the parameter and, if so, the values of the captures
    /// `slots` (section 14; `nil` for a capture the part that took it does not bind).
    mutating func bindings(_ selector: SelectorSyntax, _ parameter: ParameterInfo, slots: [String]) -> [Int?]? {
        var values = [Int?](repeating: nil, count: slots.count)
        let matched = CaptureBinding.bind(selector, name: parameter.name, slots: slots, values: &values) { node in
            if case .where(_, let predicate) = node.kind { return holds(predicate, parameter) }
            return matches(node, parameter)
        }
        return matched ? values : nil
    }

    /// Whether a predicate holds for a parameter. Not cached: each (selector, parameter) is
    /// asked once, and the cache this replaces was keyed by where the selector starts, which
    /// `(S where P) where Q` shares between its two predicates (Q was never evaluated).
    private mutating func holds(_ predicate: Expr, _ parameter: ParameterInfo) -> Bool {
        var evaluator = PredicateEvaluator(constants: constants, parameter: parameter, layers: layerCount,
                                           initialValues: initialValues)
        let result = evaluator.holds(predicate)
        if evaluator.missingValues, !missing.contains(parameter.name) { missing.append(parameter.name) }
        return result
    }

    /// The value of a predicate for a parameter (for explanations).
    func value(of predicate: Expr, _ parameter: ParameterInfo) -> Double {
        var evaluator = PredicateEvaluator(constants: constants, parameter: parameter, layers: layerCount,
                                           initialValues: initialValues)
        return evaluator.evaluate(predicate).number
    }
}
