import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LRSLanguage
import Testing
import TestSupport
@testable import LRSEngine

/// The resolver asks a group's selector about each parameter through `NameSelector` (globs
/// and words matched against the name's bytes where the parameter lies); it must answer as
/// `SelectorMatcher` does, for every selector and parameter. Asked here of the real
/// architectures' names (Tests/Fixtures/models), of a built-in model, and of random globs.
@Suite struct NameSelectorTests {
    static let selectors = [
        #""*.bias""#, #""*""#, #""**""#, #""*.*.*""#, #""*weight""#, #""bn1.*""#, #""*norm*""#,
        #""transformer.h.*.attn.*""#, #""blocks.*.attn.*""#, #""layer*.*.downsample.*""#,
        #""*.layer.1?.*""#, #""*.[0-3].*""#, #""*.[!0-9]*.weight""#, #""*.h.1.*""#,
        #""cls_token""#, #""fc.weight""#, #""*.weight*bias""#, #""*a*a*a*""#, #""*.*.*.*.*.*.*""#,
        "LayerNorm", "norm1", "ln_1", "bias", "weight", "downsample", "0", "layer1",
        #"LayerNorm or "*.bias""#, #""*.weight" and not "*.ln_*""#, #"not ("*.bias" or bn1)"#,
        #"("*.weight" where dim >= 2) and not "*embed*""#, #""*" where numel > 1000"#,
        #"not not "*.bias""#, "all",
        // Words of one `or`, read together: with globs between them, a digit word, under `not`.
        "norm1 or norm2 or LayerNorm", #""*.bias" or ln_1 or "*.wte.*" or ln_2 or 0"#, "not (bias or weight)",
    ]

    /// Every selector that checks against the model, asked of every parameter both ways.
    /// Returns how many (selector, parameter) pairs were compared and how many matched.
    static func compare(_ model: String, file: String) throws -> (pairs: Int, matched: Int) {
        var pairs = 0, matched = 0
        for selector in selectors {
            let source = SourceFile(path: file, text: "\(model)\noptimizer sgd\ngroup \(selector) as g\ngroup rest as others\n")
            guard let script = Checker.check(source).script, let group = script.groups.first else { continue }
            let asked = askBothWays(script, group, selector)
            pairs += asked.pairs
            matched += asked.matched
        }
        return (pairs, matched)
    }

    /// The group's selector asked of every parameter by `NameSelector` and by the matcher:
    /// how many were asked, and how many the matcher took.
    static func askBothWays(_ script: CheckedScript, _ group: CheckedGroup, _ selector: String) -> (pairs: Int, matched: Int) {
        var pairs = 0, matched = 0
        var matcher = SelectorMatcher(model: script.model, constants: script.constants,
                                      initialValues: values([:], model: script.model))
        let compiled = NameSelector(group.selector)
        let parameters = script.model.parameters
        parameters.withNames { names in
            for position in parameters.indices {
                let expected = matcher.matches(group.selector, parameters[position])
                let got = compiled.matches(names, parameters, position, &matcher)
                #expect(got == expected, "\(selector) on \(parameters[position].name)")
                pairs += 1
                if expected { matched += 1 }
            }
        }
        return (pairs, matched)
    }

    @Test(arguments: ["gpt2", "vit", "bert", "resnet", "llama"])
    func answersAsTheMatcherOnRealNames(_ folder: String) throws {
        let path = Fixtures.path("models/\(folder)/model.safetensors")
        let (pairs, matched) = try Self.compare("model from \"\(path)\"", file: Fixtures.temporaryDirectory() + "/t.lrs")
        // Most selectors check on every model; each takes some parameters and leaves others.
        #expect(pairs >= 10 * 39)
        #expect(matched > 0 && matched < pairs)
    }

    @Test func answersAsTheMatcherOnABuiltInModel() throws {
        let model = "input 4\nmodel < norm1: layernorm 4; blocks: < linear 4 4; relu; linear 4 4 >; head: linear 4 2 >"
        let (pairs, matched) = try Self.compare(model, file: Fixtures.temporaryDirectory() + "/t.lrs")
        #expect(pairs >= 10 * 8)
        #expect(matched > 0 && matched < pairs)
    }

    /// Names that are not ASCII: a glob of stars and text matches their bytes as the matcher
    /// matches their scalars.
    @Test func nonASCIINamesAnswerAlike() throws {
        let names = ["enc.é.weight", "enc.ö.bias", "dec.é.weight", "日本.weight"]
        var members: [String] = []
        var offset = 0
        for name in names {
            members.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\(offset),\(offset + 8)]}")
            offset += 8
        }
        let directory = Fixtures.temporaryDirectory()
        let header = Array(("{" + members.joined(separator: ",") + "}").utf8)
        var length = UInt64(header.count)
        var bytes: [UInt8] = []
        for _ in 0 ..< 8 {
            bytes.append(UInt8(length & 0xff))
            length >>= 8
        }
        try Data(bytes + header + [UInt8](repeating: 0, count: offset)).write(to: URL(fileURLWithPath: directory + "/m.safetensors"))
        var pairs = 0
        for selector in [#""*é*""#, #""enc.*""#, #""*.?.weight""#, #""日本.*""#, "weight", #""*.weight" and not "enc.*""#] {
            let source = SourceFile(path: directory + "/t.lrs",
                                    text: "model from \"m.safetensors\"\noptimizer sgd\ngroup \(selector) as g\ngroup rest as others\n")
            let script = try #require(Checker.check(source).script, "\(selector)")
            let group = try #require(script.groups.first)
            pairs += Self.askBothWays(script, group, selector).pairs
        }
        #expect(pairs == 6 * names.count)
    }

    /// Random globs of `*`, letters and dots against random names (fixed seed): a glob matched
    /// on the bytes answers as `Glob.matches`, and both as the C library's `fnmatch` (which
    /// shares no code with them), runs of stars, empty pieces and empty names included.
    @Test func randomStarGlobsAnswerAsGlob() throws {
        let script = try #require(Checker.check(SourceFile(path: "t.lrs", text: "input 4\nmodel < linear 4 4 >\noptimizer sgd\n")).script)
        var matcher = SelectorMatcher(model: script.model, constants: [:], initialValues: values([:], model: script.model))
        var random = SeededGenerator(state: 5)
        func text(_ alphabet: [Character], _ longest: UInt64) -> String {
            String((0..<Int(random.next() % (longest + 1))).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        let names = (0..<200).map { _ in text(["a", "b", "."], 8) }
        let parameters = ParameterList(names.map { ParameterInfo(checkpointName: $0, shape: [1], count: 1, module: 0) })
        var matched = 0, compared = 0
        for _ in 0..<300 {
            let pattern = text(["a", "b", ".", "*", "*"], 7)
            let selector = NameSelector(SelectorSyntax(.glob(pattern), range: SourceRange(start: 0, end: 0)))
            parameters.withNames { bytes in
                for position in parameters.indices {
                    let expected = Glob.matches(pattern, names[position])
                    #expect(selector.matches(bytes, parameters, position, &matcher) == expected, "\(pattern) on \(names[position])")
                    #expect(expected == (fnmatch(pattern, names[position], 0) == 0), "\(pattern) on \(names[position])")
                    compared += 1
                    if expected { matched += 1 }
                }
            }
        }
        #expect(compared == 300 * 200 && matched > 1000 && matched < compared - 1000)
    }
}
