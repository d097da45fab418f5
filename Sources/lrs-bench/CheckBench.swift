import Foundation
import LRSEngine
import LRSLanguage

/// `lrs-bench check FILE [--repeats R] [--only PHASE]`: the front end's throughput on one
/// script, phase by phase, best of R runs, in lines per second:
/// - `lex`; `lex+parse`; `check` (the whole checker);
/// - `check+groups`: the checker and group resolution, what `lrs check` computes before it
///   prints;
/// - `render`: what `lrs check` then prints, from that outcome: the diagnostics as text and
///   the group report.
/// `--only` runs one phase (for profiling). bench/generate_big.py writes the 10,000-line
/// script the targets are set on (bench/README.md).
func runCheckBench(_ args: [String]) {
    guard let path = args.first, let source = SourceFile(contentsOf: path) else {
        FileHandle.standardError.write(Data("usage: lrs-bench check FILE [--repeats R] [--only PHASE]\n".utf8))
        exit(2)
    }
    var repeats = 20
    if let i = args.firstIndex(of: "--repeats"), i + 1 < args.count, let r = Int(args[i + 1]), r > 0 { repeats = r }
    let only = args.firstIndex(of: "--only").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
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
    let outcome = CheckPipeline.run(source)
    let phases: [(String, () -> Int)] = [
        ("lex", { Lexer.tokenize(source).tokens.count }),
        ("lex+parse", { Parser.parse(source).script.statements.count }),
        ("check", { Checker.check(source).diagnostics.count }),
        ("check+groups", { CheckPipeline.run(source).diagnostics.count }),
        ("render", {
            var size = DiagnosticRenderer().render(outcome.diagnostics, in: source).utf8.count
            if let script = outcome.script, let resolution = outcome.resolution {
                size += GroupReport.text(script, resolution).utf8.count
            }
            return size
        }),
    ]
    print("check.lines \(lines)")
    for (name, body) in phases where only == nil || only == name {
        let seconds = best(body)
        print(String(format: "check.%@ %.3f ms %.0f lines/s", name, seconds * 1000, Double(lines) / seconds))
    }
}
