import LRSFiles
import LRSLanguage

/// The files a script writes (`save`, `checkpoint`), checked for writability before
/// anything runs, each error at the string that names the file.
extension CheckPipeline.Outcome {
    /// The outcome with an error for every output file that cannot be written, in source
    /// order. `outputDirectory` is where a batch puts relative paths.
    public func checkingOutputs(outputDirectory: String? = nil) -> CheckPipeline.Outcome {
        guard let script else { return self }
        let problems = OutputFiles.problems(script, outputDirectory: outputDirectory)
        guard !problems.isEmpty else { return self }
        let merged = (diagnostics + problems).inSourceOrder()
        return CheckPipeline.Outcome(script: script, resolution: resolution, diagnostics: merged,
                                     initialValues: initialValues)
    }
}

/// Where a script's output files go, and whether they can be written.
public enum OutputFiles {
    /// Where a file the script writes goes: beside the script, or under `outputDirectory`
    /// when one is given and the path is relative.
    public static func path(_ file: CheckedFile, outputDirectory: String?) -> String {
        guard let dir = outputDirectory, !file.written.hasPrefix("/") else { return file.path }
        return dir + "/" + file.written
    }

    /// An error for each `save` and `checkpoint` file that cannot be written.
    public static func problems(_ script: CheckedScript, outputDirectory: String?) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for statement in script.statements {
            let file: CheckedFile
            switch statement {
            case .save(let f), .checkpoint(_, let f): file = f
            default: continue
            }
            if let reason = OutputPath.problem(path(file, outputDirectory: outputDirectory), shown: file.written) {
                problems.append(.error(.outputUnwritable(file.written, reason: reason), at: file.range))
            }
        }
        return problems
    }
}
