import Foundation
import LRSEngine
import LRSLanguage

/// `lrs-bench check FILE [--repeats R]`: the front end's throughput on one script, phase by
/// phase (lexing; lexing and parsing; the whole checker; the checker and group resolution,
/// which is what `lrs check` computes before it prints), best of R runs, in lines per second.
/// bench/check.py generates the 10,000-line script and times the whole command beside
/// `import torch`.
func runCheckBench(_ args: [String]) {
    guard let path = args.first, let source = SourceFile(contentsOf: path) else {
        FileHandle.standardError.write(Data("usage: lrs-bench check FILE [--repeats R]\n".utf8))
        exit(2)
    }
    var repeats = 20
    if let i = args.firstIndex(of: "--repeats"), i + 1 < args.count, let r = Int(args[i + 1]), r > 0 { repeats = r }
    let lines = source.bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    func best(_ body: () -> Int) -> Double {
        var fastest = Double.infinity
        var sink = 0
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            sink &+= body()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        if sink == -1 { print("") }
        return fastest
    }
    let phases: [(String, () -> Int)] = [
        ("lex", { Lexer.tokenize(source).tokens.count }),
        ("lex+parse", { Parser.parse(source).script.statements.count }),
        ("check", { Checker.check(source).diagnostics.count }),
        ("check+groups", { CheckPipeline.run(source).diagnostics.count }),
    ]
    print("check.lines \(lines)")
    for (name, body) in phases {
        let seconds = best(body)
        print(String(format: "check.%@ %.3f ms %.0f lines/s", name, seconds * 1000, Double(lines) / seconds))
    }
}
