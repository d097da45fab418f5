import LRSLanguage

/// `lrs check --explain PARAM`: which group took a parameter and why, and which earlier
/// groups it passed.
public enum GroupExplanation {
    /// The explanation lines, or `nil` when the script has no such parameter.
    public static func explain(_ parameterName: String, in script: CheckedScript, _ resolution: GroupResolution,
                               initialValues: @escaping InitialValueProvider) -> [String]? {
        guard let parameter = script.model.parameters.first(where: { $0.name == parameterName }) else { return nil }
        var matcher = SelectorMatcher(model: script.model, constants: script.constants, initialValues: initialValues)
        let source = script.source
        func line(_ range: SourceRange) -> Int { source.location(of: range.start).line }
        func text(_ selector: SelectorSyntax) -> String { source.text(of: selector.range) }
        var lines = ["parameter '\(parameter.name)': \(GroupReport.describe(parameter.shape)), \(parameter.count) elements, "
            + "layer '\(parameter.layerName)' (\(parameter.layerKind.rawValue))"]
        for freeze in script.freezes where matcher.matches(freeze.selector, parameter) {
            lines.append("frozen by 'freeze \(text(freeze.selector))' at line \(line(freeze.range)); it is in no group")
            return lines
        }
        if script.hasNoGroups {
            lines.append("the script has no 'group', so every parameter is in the group 'all'")
            return lines
        }
        for group in script.groups {
            let matches = matcher.matches(group.selector, parameter)
            let detail = predicateDetail(group.selector, parameter, matcher)
            if matches {
                let taken = resolution.group(of: parameter.name)
                let name = taken?.name ?? group.name
                lines.append("taken by group '\(name)' (line \(line(group.range))): '\(text(group.selector))' matches\(detail)")
                return lines
            }
            lines.append("passed group '\(group.name)' (line \(line(group.range))): '\(text(group.selector))' does not match\(detail)")
        }
        lines.append("no group takes it (an error unless it is frozen)")
        return lines
    }

    /// For selectors with `where`: the predicate's value on this parameter.
    private static func predicateDetail(_ selector: SelectorSyntax, _ parameter: ParameterInfo,
                                        _ matcher: SelectorMatcher) -> String {
        guard case .where(_, let predicate) = selector.kind else { return "" }
        let value = matcher.value(of: predicate, parameter)
        return " (predicate is \(value != 0 && !value.isNaN ? "true" : "false"))"
    }
}
