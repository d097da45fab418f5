import LRSLanguage

/// What `lrs check` does with one script, as a function: check, estimate memory, resolve
/// the groups. The command line only prints the outcome.
public enum CheckPipeline {
    /// The outcome: the checked script and groups when there were no errors, and every
    /// diagnostic in order.
    public struct Outcome {
        public let script: CheckedScript?
        public let resolution: GroupResolution?
        public let diagnostics: [Diagnostic]
        /// The initial values predicates were evaluated on.
        public let initialValues: InitialValueProvider
    }

    /// Runs the checks. `initialValues` defaults to the model a run would build (seeded
    /// default initialisation, then the `init` file), evaluated one layer at a time; the
    /// memory budget to what this process can have, asked only when a model is to be
    /// estimated (reading the limits took a third of a millisecond: never for a checkpoint).
    public static func run(_ source: SourceFile, overrides: [String: Double] = [:],
                           options: Checker.Options = Checker.Options(),
                           memoryBudget: @autoclosure () -> MemoryBudget? = MemoryBudget.current(),
                           initialValues: ((CheckedScript) -> InitialValueProvider)? = nil) -> Outcome {
        run(checked: Checker.check(source, overrides: overrides, options: options),
            memoryBudget: memoryBudget(), initialValues: initialValues)
    }

    /// The checks after the checker's, on a script already checked (the REPL checks an
    /// entry against what it checked before).
    public static func run(checked: CheckResult, memoryBudget: @autoclosure () -> MemoryBudget? = MemoryBudget.current(),
                           initialValues: ((CheckedScript) -> InitialValueProvider)? = nil) -> Outcome {
        let none: InitialValueProvider = { _ in nil }
        guard let script = checked.script else {
            return Outcome(script: nil, resolution: nil, diagnostics: checked.diagnostics, initialValues: none)
        }
        if let memory = MemoryEstimate.check(script, budget: memoryBudget()) {
            return Outcome(script: nil, resolution: nil, diagnostics: checked.diagnostics + [memory], initialValues: none)
        }
        let provider = initialValues?(script) ?? ModelFactory(script).layerwiseInitialValues
        let resolution = GroupResolver.resolve(script, initialValues: provider)
        let diagnostics = (checked.diagnostics + resolution.diagnostics).inSourceOrder()
        let ok = !resolution.diagnostics.hasErrors
        return Outcome(script: ok ? script : nil, resolution: ok ? resolution : nil,
                       diagnostics: diagnostics, initialValues: provider)
    }
}
