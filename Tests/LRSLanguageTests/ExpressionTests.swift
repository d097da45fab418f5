import Foundation
import Testing
@testable import LRSLanguage

@Suite struct ExpressionTests {
    @Test(arguments: [
        ("-2^2", -4.0),
        ("2^3^2", 512.0),
        ("2^-1", 0.5),
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("7 % 3", 1.0),
        ("-7 % 3", 2.0),
        ("7 % -3", -2.0),
        ("10 - 2 - 3", 5.0),
        ("8 / 2 / 2", 2.0),
        ("1 < 2 and 3 > 4", 0.0),
        ("1 < 2 or 3 > 4", 1.0),
        ("not 1 < 2", 0.0),
        ("not 0 and 1", 1.0),
        ("if 2 > 1 then 10 else 20", 10.0),
        ("if 0 then 1 else if 0 then 2 else 3", 3.0),
        ("min(3, 1, 2) + max(4, 5)", 6.0),
        ("floor(2.7) + ceil(2.1)", 5.0),
        ("sqrt(16) + abs(-1) + exp(0) + log(1)", 6.0),
        ("true + true", 2.0),
        ("0.95^3", 0.857375),
    ])
    func evaluates(_ text: String, _ expected: Double) throws {
        let compiled = try #require(compile(text))
        #expect(abs(compiled.evaluate() - expected) < 1e-12)
    }

    @Test func divisionByZeroIsIEEE() throws {
        #expect(try #require(compile("1 / 0")).evaluate() == .infinity)
        #expect(try #require(compile("0 / 0")).evaluate().isNaN)
    }

    @Test func piIsKnown() throws {
        #expect(try #require(compile("cos(pi)")).evaluate() == -1)
    }

    @Test func variablesAreReadBySlot() throws {
        let compiled = try #require(compile("0.001 * 0.75^(layers - 1 - layer)", variables: ["layer", "layers"]))
        #expect(compiled.constantValue == nil)
        #expect(compiled.usedVariables == ["layer", "layers"])
        #expect(abs(compiled.evaluate([0, 3]) - 0.001 * 0.5625) < 1e-15)
        #expect(abs(compiled.evaluate([2, 3]) - 0.001) < 1e-15)
    }

    @Test func singleVariableFastPath() throws {
        let compiled = try #require(compile("0.95^epoch", variables: ["epoch"]))
        #expect(compiled.evaluate(2) == pow(0.95, 2))
    }

    @Test func constantsAreFolded() throws {
        let compiled = try #require(compile("base * 2", constants: ["base": 0.5]))
        #expect(compiled.constantValue == 1)
    }

    @Test func unknownNamesAndFunctionsGetSuggestions() {
        let (script, _) = parse("let x = epoh + sqr(2)")
        guard case .let(_, let expr)? = script.statements.first?.kind else {
            Issue.record("no let")
            return
        }
        let result = ExpressionCompiler(constants: [:], variables: ["epoch"]).compile(expr)
        guard case .failure(let list) = result else {
            Issue.record("compiled")
            return
        }
        #expect(list.diagnostics.map(\.condition) == [.unknownName("epoh", suggestions: ["epoch"]),
                                                      .unknownFunction("sqr", suggestions: ["sqrt"])])
    }
}
