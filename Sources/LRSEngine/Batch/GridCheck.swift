import LRSLanguage

/// Every run of a grid checked before any starts. A grid point's values can make a script
/// invalid (`-D width=0`); each distinct error is reported once, with a note naming the
/// grid points it occurs in (unless it occurs in all of them, as a mistake in the script does).
public enum GridCheck {
    /// One script's errors, each with its grid points noted.
    public struct Problems {
        public let script: String
        /// The script's text; nil when it cannot be read (`reason` says why).
        public let source: SourceFile?
        public let reason: String?
        public let diagnostics: [Diagnostic]
    }

    public struct Outcome {
        /// Estimated work of each run by plan index, for ordering the runs.
        public let costs: [Int: Double]
        public let problems: [Problems]
        public var failed: Bool { !problems.isEmpty }
    }

    /// How many grid points a note names before "and N more".
    static let pointsShown = 3

    /// Checks every run; `read` reads a script (nil and the reason when it cannot).
    public static func run(_ plan: GridPlan, scripts: [String],
                           read: (String) -> (source: SourceFile?, reason: String?)) -> Outcome {
        var costs: [Int: Double] = [:]
        var problems: [Problems] = []
        for script in scripts {
            let (source, reason) = read(script)
            guard let source else {
                problems.append(Problems(script: script, source: nil, reason: reason, diagnostics: []))
                continue
            }
            let runs = plan.runs.filter { $0.script == script }
            // Each distinct error (its place and message), in order of first sight, with its points.
            var found: [(diagnostic: Diagnostic, points: [String])] = []
            var index: [String: Int] = [:]
            for run in runs {
                let overrides = Dictionary(run.overrides.map { ($0.name, Double($0.value) ?? .nan) }, uniquingKeysWith: { a, _ in a })
                let outcome = CheckPipeline.run(source, overrides: overrides) { ModelFactory($0).initialValues }
                if let checked = outcome.script {
                    // Work grows with the parameters and the epochs; enough to order the runs.
                    let elements = checked.model.parameters.reduce(0) { $0 + $1.count }
                    costs[run.index] = Double(elements + 1) * Double(checked.train?.epochs ?? 1)
                }
                let point = run.overrides.map { "\($0.name)=\($0.value)" }.joined(separator: ", ")
                for error in outcome.diagnostics where error.severity == .error {
                    let key = "\(error.range?.start ?? -1):\(error.range?.end ?? -1):\(error.message)"
                    if let at = index[key] {
                        found[at].points.append(point)
                    } else {
                        index[key] = found.count
                        found.append((error, [point]))
                    }
                }
            }
            guard !found.isEmpty else { continue }
            let diagnostics = found.enumerated().sorted { a, b in
                (a.element.diagnostic.range?.start ?? Int.max, a.offset) < (b.element.diagnostic.range?.start ?? Int.max, b.offset)
            }.map { _, item -> Diagnostic in
                guard item.points.count < runs.count, !item.points.contains("") else { return item.diagnostic }
                var diagnostic = item.diagnostic
                diagnostic.notes.append(.note(.inGridPoints(Array(item.points.prefix(pointsShown)),
                                                            more: Swift.max(0, item.points.count - pointsShown)), at: nil))
                return diagnostic
            }
            problems.append(Problems(script: script, source: source, reason: nil, diagnostics: diagnostics))
        }
        return Outcome(costs: costs, problems: problems)
    }
}
