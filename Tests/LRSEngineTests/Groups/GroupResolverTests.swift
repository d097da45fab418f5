import Testing
@testable import LRSEngine
import LRSLanguage

/// Checks a script (no file access) and returns it, or records the diagnostics.
func checked(_ text: String) throws -> CheckedScript {
    let source = SourceFile(path: "test.lrs", text: text)
    let result = Checker.check(source, options: Checker.Options(checkFiles: false))
    let rendered = DiagnosticRenderer().render(result.diagnostics, in: source)
    return try #require(result.script, "\(rendered)")
}

/// Initial values from a table; anything else is filled with `fill`.
func values(_ table: [String: [Float]], model: CheckedModel, fill: Float = 0.1) -> InitialValueProvider {
    let shapes = Dictionary(model.parameters.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    return { name in
        guard let info = shapes[name] else { return nil }
        return InitialValue(shape: info.shape, values: table[name] ?? [Float](repeating: fill, count: info.count))
    }
}

@Suite struct GroupResolverTests {
    @Test func seedThreeGroupsByMagnitude() throws {
        let script = try checked("""
        model < linear 3 2; relu; linear 2 2 >
        optimizer sgd
        group "*.weight" where mean(abs(param)) > 0.5 lr 0.0001 as large_weights
        group "*.weight" lr 0.01 as weights
        group "*.bias" lr 0.1 as biases
        """)
        let big: [Float] = [1, -2, 3, 4.5, -0.25, 0.5]  // mean(abs) = 1.875 (torch)
        let resolution = GroupResolver.resolve(script, initialValues: values(["0.weight": big], model: script.model))
        #expect(resolution.diagnostics.isEmpty)
        #expect(resolution.groups.map(\.name) == ["large_weights", "weights", "biases"])
        #expect(resolution.groups.map(\.parameters) == [["0.weight"], ["2.weight"], ["0.bias", "2.bias"]])
        #expect(resolution.groups[0].learningRate == 0.0001)
        #expect(resolution.groups[2].number("momentum") == 0)
    }

    @Test func nestedPredicatesAreBothEvaluated() throws {
        // The outer predicate holds for no parameter: the group must take nothing, although
        // both predicates' selectors start at the same '('.
        let script = try checked("""
        model < linear 32 64; linear 64 10 >
        group (linear where numel > 100) where numel < 0 as g
        group all as others
        """)
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups.map(\.parameters) == [[], ["0.weight", "0.bias", "1.weight", "1.bias"]])
    }

    @Test(arguments: [
        ("std(param) > 2.32244", true), ("std(param) > 2.32245", false),     // torch: 2.3224449157714844 (unbiased)
        ("mean(param) == 1.125", true), ("norm(param) > 5.87898", true), ("norm(param) > 5.87899", false),
        ("sum(param) == 6.75", true), ("min(param) == -2", true), ("max(abs(param)) == 4.5", true),
        ("numel == 6 and ndim == 2", true), ("layer == 0 and layers == 2", true),
    ])
    func predicatesOnValues(_ predicate: String, _ holds: Bool) throws {
        let script = try checked("model < linear 3 2; linear 2 2 >\ngroup \"0.weight\" where \(predicate) as hit\ngroup all as others")
        let t: [Float] = [1, -2, 3, 4.5, -0.25, 0.5]
        let resolution = GroupResolver.resolve(script, initialValues: values(["0.weight": t], model: script.model))
        #expect(resolution.groups[0].parameters == (holds ? ["0.weight"] : []))
    }

    @Test func valuesAreOnlyRequestedForPredicatesOnParam() throws {
        let script = try checked("model < linear 3 2; linear 2 2 >\ngroup all where numel > 4 as big\ngroup rest")
        nonisolated(unsafe) var requests = 0
        let resolution = GroupResolver.resolve(script) { _ in
            requests += 1
            return nil
        }
        #expect(requests == 0)
        #expect(resolution.groups[0].parameters == ["0.weight"])
        let withParam = try checked("model < linear 3 2 >\ngroup all where max(param) > 0 as a\ngroup rest")
        _ = GroupResolver.resolve(withParam) { _ in
            requests += 1
            return nil
        }
        #expect(requests == 2)  // one per parameter, not more
    }

    @Test func firstMatchWinsAndEmptyGroupsNameTheirTakers() throws {
        let script = try checked("model < body: linear 4 4; head: linear 4 2 >\ngroup body\ngroup all\ngroup \"*.bias\"")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups.map(\.parameters) == [["body.weight", "body.bias"], ["head.weight", "head.bias"], []])
        #expect(resolution.diagnostics.map(\.condition) == [.emptyGroup("group3", takenBy: ["body", "all"])])
        #expect(resolution.diagnostics.first?.severity == .warning)
    }

    @Test func unassignedParametersAreErrors() throws {
        let script = try checked("model < body: linear 4 4; head: linear 4 2 >\ngroup \"*.weight\"")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.diagnostics.map(\.condition) == [.unassignedParameter("body.bias"), .unassignedParameter("head.bias")])
        #expect(resolution.diagnostics.allSatisfy { $0.range != nil })
    }

    @Test func frozenParametersAreInNoGroup() throws {
        let script = try checked("model < body: linear 4 4; head: linear 4 2 >\nfreeze body\ngroup rest")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.frozen == ["body.weight", "body.bias"])
        #expect(resolution.groups.map(\.parameters) == [["head.weight", "head.bias"]])
        #expect(resolution.diagnostics.isEmpty)
    }

    @Test func noGroupMeansOneGroupAll() throws {
        let script = try checked("model < linear 4 2 >\noptimizer adam lr 0.01")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups.map(\.name) == ["all"])
        #expect(resolution.groups[0].parameters == ["0.weight", "0.bias"])
        #expect(resolution.groups[0].learningRate == 0.01)
    }

    @Test func eachLayerExpandsWithLayerwiseDecay() throws {
        let script = try checked("model < a: linear 4 4; relu; b: linear 4 4; c: linear 4 2 >\noptimizer adamw\ngroup all each layer lr 0.001 * 0.75^(layers - 1 - layer) as decay\nschedule decay exponential 0.9")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups.map(\.name) == ["decay.a", "decay.b", "decay.c"])
        #expect(resolution.groups.map(\.learningRate) == [0.001 * 0.5625, 0.001 * 0.75, 0.001])
        #expect(resolution.groups.allSatisfy { $0.schedule != nil && $0.baseName == "decay" })
        #expect(resolution.groups[0].number("weight_decay") == 0.01)
    }

    @Test func eachParamSeesNumelAndNdim() throws {
        let script = try checked("model < linear 4 2 >\ngroup all each param lr if ndim > 1 then 0.1 else numel")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups.map(\.name) == ["all.0.weight", "all.0.bias"])
        #expect(resolution.groups.map(\.learningRate) == [0.1, 2])
    }

    @Test func expandedValuesAreChecked() throws {
        let script = try checked("model < linear 4 4; linear 4 2 >\ngroup all each layer lr 0.1 - layer")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.diagnostics.map(\.condition) == [.negativeHyperparameter("lr", value: 0.1 - 1)])
    }

    @Test func perGroupSchedulesAttach() throws {
        let script = try checked("model < a: linear 4 4; b: linear 4 2 >\ngroup a\ngroup b\nschedule a step 3")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups[0].schedule != nil)
        #expect(resolution.groups[1].schedule == nil)
    }
}

@Suite struct GlobTests {
    // Expected values from Python's fnmatch.fnmatchcase.
    @Test(arguments: [("*.weight", "layer1.weight", true), ("layer?.bias", "layer1.bias", true),
                      ("[0-2].weight", "1.weight", true), ("[!0].bias", "0.bias", false), ("*", "a.b.c", true),
                      ("0.*", "10.weight", false), ("*.bias", "0.weight", false), ("[", "[", true)])
    func matchesLikeFnmatch(_ pattern: String, _ name: String, _ expected: Bool) {
        #expect(Glob.matches(pattern, name) == expected)
    }

    @Test func hostilePatternsAreFast() {
        let pattern = String(repeating: "*a", count: 200) + "b"
        #expect(!Glob.matches(pattern, String(repeating: "a", count: 2000)))
    }
}
