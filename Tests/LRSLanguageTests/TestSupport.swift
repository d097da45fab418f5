import Foundation
@testable import LRSLanguage

/// Parses text as a script named `test.lrs`.
func parse(_ text: String) -> (script: Script, diagnostics: [Diagnostic]) {
    Parser.parse(SourceFile(path: "test.lrs", text: text))
}

/// Checks text as a script named `test.lrs` (files are not looked at).
func check(_ text: String, overrides: [String: Double] = [:]) -> CheckResult {
    Checker.check(SourceFile(path: "test.lrs", text: text), overrides: overrides,
                  options: Checker.Options(checkFiles: false))
}

/// The conditions of the errors, in order.
func errors(_ result: CheckResult) -> [DiagnosticCondition] {
    result.diagnostics.filter { $0.severity == .error }.map(\.condition)
}

/// Compiles an expression with the given variables (no lets).
func compile(_ text: String, variables: [String] = [], constants: [String: Double] = [:]) -> CompiledExpression? {
    let (script, diagnostics) = parse("let x = \(text)")
    guard !diagnostics.hasErrors, case .let(_, let expr)? = script.statements.first?.kind else { return nil }
    guard case .success(let compiled) = ExpressionCompiler(constants: constants, variables: variables).compile(expr) else {
        return nil
    }
    return compiled
}

/// The Tests directory, found from this file.
let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
/// The package root.
let packageRoot = testsDirectory.deletingLastPathComponent()
