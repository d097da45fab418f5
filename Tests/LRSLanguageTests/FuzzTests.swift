import Foundation
import Testing
import TestSupport
@testable import LRSLanguage

/// Feeds thousands of random and mutated scripts through lexer, parser and checker:
/// nothing may trap, and every diagnostic must point into the file.
@Suite struct FuzzTests {
    static let words = ["model", "<", ">", ";", "\n", "linear", "conv", "3", "16", "10816", "relu", "optimizer", "adam",
                        "sgd", "group", "conv", "lr", "0.01", "schedule", "lambda", "0.95^epoch", "until", "then", "with",
                        "where", "mean(abs(param))", ">", "and", "or", "not", "(", ")", "\"*.weight\"", "all", "rest",
                        "each", "layer", "param", "as", "x", "let", "=", "-", "^", "if", "else", "1e999", "betas", "0.9",
                        "freeze", "input", "28", "step", "per", "cyclic", "onecycle", "100", "train", "epochs", "data",
                        "synthetic", "show", "groups", "batchnorm", "maxpool", "2", "layernorm", "99999999999999999999",
                        "\"", "#", ",", ":", "head:", "seed", "split", "0.5", "multistep", "gamma", "\u{0}", "λ",
                        "residual", "shortcut", "repeat", "blocks:", "embedding", "posembed", "attention", "heads",
                        "causal", "rmsnorm", "silu", "avgpool", "global", "text", "context"]

    func corpus() throws -> [[UInt8]] {
        var texts: [[UInt8]] = []
        for folder in ["samples", "Tests/Fixtures/language/grammar"] {
            let directory = packageRoot.appendingPathComponent(folder)
            for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".lrs") {
                if let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) {
                    texts.append([UInt8](data))
                }
            }
        }
        return texts
    }

    func mutate(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let position = out.isEmpty ? 0 : Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !out.isEmpty: out[position] = UInt8.random(in: 0...255, using: &rng)
            case 1 where !out.isEmpty: out.remove(at: position)
            case 2: out.insert(contentsOf: Array((FuzzTests.words.randomElement(using: &rng) ?? "x").utf8) + [32], at: position)
            case 3 where !out.isEmpty:
                let end = Swift.min(out.count, position + Int.random(in: 1...20, using: &rng))
                out.insert(contentsOf: out[position..<end], at: position)
            default:
                let end = Swift.min(out.count, position + Int.random(in: 1...10, using: &rng))
                out.removeSubrange(position..<end)
            }
        }
        return out
    }

    func soup(_ rng: inout SeededGenerator) -> [UInt8] {
        var text = ""
        for _ in 0..<Int.random(in: 1...60, using: &rng) {
            text += (FuzzTests.words.randomElement(using: &rng) ?? "x") + (Bool.random(using: &rng) ? " " : "")
        }
        return Array(text.utf8)
    }

    func checkSurvives(_ bytes: [UInt8]) {
        let source = SourceFile(path: "fuzz.lrs", bytes: bytes)
        let result = Checker.check(source, overrides: ["x": 1], options: Checker.Options(checkFiles: false))
        for diagnostic in result.diagnostics {
            switch diagnostic.condition {
            case .overrideWithoutLet, .defaultOptimizer: continue
            default: break
            }
            guard let range = diagnostic.range else {
                Issue.record("no location: \(diagnostic.message) in \(String(decoding: bytes, as: UTF8.self))")
                continue
            }
            #expect(range.start >= 0 && range.end <= bytes.count)
        }
        _ = DiagnosticRenderer().render(result.diagnostics, in: source)
        if result.script != nil { #expect(!result.hasErrors) }
    }

    @Test func mutatedSamplesNeverTrap() throws {
        var rng = SeededGenerator(state: 20_261_125)
        let texts = try corpus()
        #expect(!texts.isEmpty)
        for _ in 0..<1500 {
            guard let base = texts.randomElement(using: &rng) else { continue }
            checkSurvives(mutate(base, &rng))
        }
    }

    @Test func tokenSoupNeverTraps() {
        var rng = SeededGenerator(state: 7)
        for _ in 0..<1500 { checkSurvives(soup(&rng)) }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededGenerator(state: 99)
        for _ in 0..<500 {
            let count = Int.random(in: 0...200, using: &rng)
            checkSurvives((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
        }
    }

    @Test func hostileInputs() {
        let cases: [String] = [
            "", "\n\n\n", "model <", "model < linear 3", "\"", "let x = 1e999", "seed 99999999999999999999",
            String(repeating: "(", count: 400_000), String(repeating: "[", count: 50_000) + "model",
            "model < " + String(repeating: "linear 3 3;", count: 3) + String(repeating: ">", count: 10),
            "let x = " + String(repeating: "not ", count: 5000) + "1",
            "group " + String(repeating: "(", count: 300) + "all",
            "schedule a " + String(repeating: "(", count: 300) + "step 1",
            "model < linear 1000000000000 1000000000000; linear 1000000000000 1 >",
            "input 3 1000000000000 1000000000000\nmodel < conv 3 1000000000 1 >",
            "model < " + String(repeating: "residual < ", count: 100_000) + "relu",
            "model < " + String(repeating: "repeat 1099511627776 < ", count: 60) + "linear 3 3" + String(repeating: " >", count: 61),
            "input 2 8\nmodel < " + String(repeating: "r: residual < ", count: 64) + "attention 8 heads 2" + String(repeating: " >", count: 65),
            "input 4\nmodel < embedding 1000000000000 1000000000000 >",
        ]
        for text in cases { checkSurvives(Array(text.utf8)) }
    }
}
