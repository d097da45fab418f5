import LRSFiles
import ArgumentParser
import LRSEngine

/// Files and directories named by command-line flags, checked for writability before a
/// command does any work (`lrs run: cannot write 'nodir/t.jsonl' (--trace): directory
/// 'nodir' does not exist`, exit 1).
enum OutputFlags {
    struct Output {
        let flag: String
        let path: String?
        var isDirectory = false
    }

    static func require(_ command: String, _ outputs: [Output]) throws {
        var failed = false
        for output in outputs {
            guard let path = output.path,
                  let problem = OutputPath.flagProblem(output.flag, path, directory: output.isDirectory) else { continue }
            Terminal.writeError("\(command): \(problem)\n")
            failed = true
        }
        if failed { throw ExitCode(1) }
    }
}
