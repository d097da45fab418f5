import LRSLanguage

/// What `lrs check` does with its scripts, phase by phase: check each script, estimate its
/// memory and resolve its groups (`CheckPipeline`), check the files it would write, then
/// report the groups (`GroupReport`) or explain one parameter (`GroupExplanation`). The
/// command line reads the files and prints.
public enum ScriptCheck {
    /// A parameter `--explain` names that the script does not have, worded for the command line.
    public struct UnknownParameter: Error, Sendable {
        public let message: String
    }

    /// The checks of one script, the files it would write included.
    public static func run(_ source: SourceFile, overrides: [String: Double] = [:]) -> CheckPipeline.Outcome {
        CheckPipeline.run(source, overrides: overrides).checkingOutputs()
    }

    /// `--explain PARAM`: which group took the parameter and why, as text; nil when the
    /// script did not check.
    public static func explain(_ parameter: String, _ outcome: CheckPipeline.Outcome,
                               file: String) -> Result<String, UnknownParameter>? {
        guard let script = outcome.script, let resolution = outcome.resolution else { return nil }
        guard let lines = GroupExplanation.explain(parameter, in: script, resolution,
                                                   initialValues: outcome.initialValues) else {
            let names = script.model.parameters.map(\.name)
            let condition = DiagnosticCondition.unknownParameter(
                parameter, suggestions: Suggestions.nearest(to: parameter, in: names), names: names, file: file)
            return .failure(UnknownParameter(message: condition.message))
        }
        return .success(lines.joined(separator: "\n") + "\n")
    }

    /// The group report of one script as text (headed by its name when `headed`); nil when
    /// it had errors.
    public static func textReport(_ outcome: CheckPipeline.Outcome, file: String, headed: Bool) -> String? {
        guard let script = outcome.script, let resolution = outcome.resolution, !outcome.diagnostics.hasErrors else {
            return nil
        }
        return GroupReport.text(script, resolution, heading: headed ? "==> \(file) <==\n" : "")
    }

    /// The group report of one script as a JSON object, its diagnostics included.
    public static func jsonReport(_ outcome: CheckPipeline.Outcome, file: String) -> String {
        GroupReport.json(outcome.script, outcome.resolution, file: file, diagnostics: outcome.diagnostics)
    }

    /// Every script's report, as standard output shows them: JSON objects as one array.
    public static func joined(_ reports: [String], json: Bool) -> String {
        // One script's report is most of what a check of a big script prints: not copied again.
        if !json, reports.count == 1 { return reports[0] }
        return json ? "[" + reports.joined(separator: ",\n") + "]\n" : reports.joined(separator: "\n")
    }
}
