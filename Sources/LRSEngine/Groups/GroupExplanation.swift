import LRSFiles
import LRSLanguage

/// `lrs check --explain PARAM`: which group took a parameter and why, and which earlier
/// groups it passed.
public enum GroupExplanation {
    /// The explanation lines, or `nil` when the script has no such parameter. `place` says
    /// where a statement is ("line 7"; the REPL's script was joined from several places).
    public static func explain(_ parameterName: String, in script: CheckedScript, _ resolution: GroupResolution,
                               initialValues: @escaping InitialValueProvider,
                               place: ((SourceRange) -> String)? = nil) -> [String]? {
        guard let parameter = script.model.parameters.first(where: { $0.name == parameterName }) else { return nil }
        var matcher = SelectorMatcher(model: script.model, constants: script.constants, initialValues: initialValues)
        let source = script.source
        func line(_ range: SourceRange) -> String { place?(range) ?? "line \(source.location(of: range.start).line)" }
        func text(_ selector: SelectorSyntax) -> String { source.text(of: selector.range) }
        var lines = ["parameter '\(parameter.name)': \(ShapeText.text(parameter.shape)), \(parameter.count) elements, "
            + (parameter.layerKind.map { "layer '\(parameter.layerName)' (\($0.rawValue))" } ?? "module '\(parameter.layerName)'")]
        for freeze in script.freezes where freeze.untilEpoch == nil && matcher.matches(freeze.selector, parameter) {
            lines.append("frozen by 'freeze \(text(freeze.selector))' at \(line(freeze.range)); it is in no group")
            return lines
        }
        // `until epoch N` (section 15): the first that matches gives the epoch; the groups follow.
        for freeze in script.freezes where freeze.untilEpoch != nil && matcher.matches(freeze.selector, parameter) {
            let epoch = freeze.untilEpoch ?? 0
            lines.append("frozen until epoch \(epoch) by 'freeze \(text(freeze.selector)) until epoch \(epoch)' at "
                + "\(line(freeze.range)): no gradient and no update before it; it stays in its group")
            break
        }
        if script.hasNoGroups {
            lines.append("the script has no 'group', so every parameter is in the group 'all'")
            return lines
        }
        for group in script.groups {
            let matches = matcher.matches(group.selector, parameter)
            let detail = predicateDetail(group.selector, parameter, matcher, source)
            if matches {
                let taken = resolution.group(of: parameter.name)
                let name = taken?.name ?? group.name
                lines.append("taken by group '\(name)' (\(line(group.range))): '\(text(group.selector))' matches\(detail)"
                    + captureDetail(group, parameter, &matcher))
                return lines
            }
            lines.append("passed group '\(group.name)' (\(line(group.range))): '\(text(group.selector))' does not match\(detail)")
        }
        lines.append("no group takes it (an error unless it is frozen)")
        return lines
    }

    /// The capture values the parameter got ("; it binds i = 3"), or which it did not.
    private static func captureDetail(_ group: CheckedGroup, _ parameter: ParameterInfo,
                                      _ matcher: inout SelectorMatcher) -> String {
        guard !group.captures.isEmpty else { return "" }
        let values = matcher.bindings(group.selector, parameter, slots: group.captures) ?? []
        let bound = zip(group.captures, values).compactMap { name, value in value.map { "\(name) = \($0)" } }
        let unbound = zip(group.captures, values).filter { $0.1 == nil }.map { "'\($0.0)'" }
        var text = bound.isEmpty ? "; it binds no capture" : "; it binds " + bound.joined(separator: ", ")
        if !bound.isEmpty, !unbound.isEmpty { text += " and not " + unbound.joined(separator: ", ") }
        return text
    }

    /// For selectors with `where`: each predicate's value on this parameter, and for a
    /// comparison the value of its left side ("mean(abs(param)) = 0.0412").
    private static func predicateDetail(_ selector: SelectorSyntax, _ parameter: ParameterInfo,
                                        _ matcher: SelectorMatcher, _ source: SourceFile) -> String {
        var parts: [String] = []
        func visit(_ node: SelectorSyntax) {
            switch node.kind {
            case .where(let inner, let predicate):
                visit(inner)
                let holds = matcher.value(of: predicate, parameter)
                var text = "'\(source.text(of: predicate.range))' is \(holds != 0 && !holds.isNaN ? "true" : "false")"
                if case .binary(let op, let lhs, _) = predicate.kind, op.precedence == BinaryOperator.less.precedence {
                    text += ": \(source.text(of: lhs.range)) = \(NumberText.display(matcher.value(of: lhs, parameter)))"
                }
                parts.append(text)
            case .and(let parts), .or(let parts):
                parts.forEach(visit)
            case .not(let inner):
                visit(inner)
            case .word, .glob, .captureGlob, .all, .rest:
                break
            }
        }
        visit(selector)
        return parts.isEmpty ? "" : " (" + parts.joined(separator: "; ") + ")"
    }
}
