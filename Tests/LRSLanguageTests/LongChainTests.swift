import Testing
@testable import LRSLanguage

/// Flat chains of left-associative operators (`1+1+...`, `a or b or ...`) are kept as one
/// node each, so checking, compiling, evaluating and releasing them takes no stack per term.
@Suite struct LongChainTests {
    static let terms = 200_000
    let model = "input 4\nmodel < linear 4 3; relu; linear 3 2 >\n"

    @Test func chainsFoldLeftToRightAsNestedOperatorsDid() throws {
        let cases: [(String, Double)] = [
            ("1 - 2 - 3", -4), ("2 * 3 / 4 % 5", 1.5), ("8 / 2 / 2", 2), ("7 % 4 % 2", 1),
            ("1 + 2 * 3 - 4", 3), ("2 * 3 + 4 * 5 - 6", 20), ("1 < 2 and 3 > 4 or 1", 1),
            ("0 or 0 or 2", 1), ("1 and 1 and 0", 0), ("2 ^ 3 ^ 2 * 2 * 2", 2048), ("1 + 2 < 4", 1),
            ("-1 - -1 - 1", -1), ("10 - 2 * 3 - 1 + 1", 4),
        ]
        for (text, expected) in cases {
            let compiled = try #require(compile(text), "\(text)")
            #expect(compiled.evaluate() == expected, "\(text)")
            let (script, _) = parse("let x = \(text)")
            guard case .let(_, let expr)? = script.statements.first?.kind else {
                Issue.record("no let")
                continue
            }
            #expect(ExpressionCompiler.constantValue(expr, constants: [:]) == expected, "\(text)")
        }
    }

    @Test func chainsReadVariables() throws {
        let compiled = try #require(compile("0.9^epoch * 2 * 1 - epoch + 1", variables: ["epoch"]))
        let expected: Double = 0.9 * 0.9 * 2 - 1
        #expect(compiled.evaluate(2) == expected)
    }

    @Test func twoHundredThousandTermExpressionsCheck() throws {
        let n = LongChainTests.terms
        let ops = ["+", "-", "*", "/", "%", " and ", " or "]
        var text = model + "let x = 1"
        for i in 0..<n { text += ops[i % ops.count] + "1" }
        text += "\ngroup all lr 0.1" + String(repeating: "+0", count: n)
        text += "\nschedule all lambda 0.9^epoch" + String(repeating: "*1", count: n) + "\n"
        let result = check(text)
        #expect(errors(result) == [])
        let script = try #require(result.script)
        #expect(script.groups.first?.hyperparameters.first(where: { $0.name == "lr" })?.value.number == 0.1)
    }

    @Test func twoHundredThousandTermSelectorsCheck() throws {
        let n = LongChainTests.terms
        let text = model + "group linear" + String(repeating: " or linear", count: n) + " lr 0.1 as a\n"
            + "group 2" + String(repeating: " and linear", count: n) + " lr 0.2 as b\n"
        let result = check(text)
        #expect(errors(result) == [])
        #expect(result.script?.groups.map(\.name) == ["a", "b"])
    }
}
