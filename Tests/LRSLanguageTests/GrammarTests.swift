import Foundation
import Testing
@testable import LRSLanguage

/// Keeps grammar/lrs.ebnf honest: every syntax production is exercised by a fixture, and
/// every production a parse function names is in the grammar.
@Suite struct GrammarTests {
    /// Names defined in the syntax part of the grammar (before the lexical section).
    func grammarProductions() throws -> Set<String> {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("grammar/lrs.ebnf"), encoding: .utf8)
        let syntax = text.components(separatedBy: "(* ---- lexical ---- *)").first ?? text
        var names = Set<String>()
        for line in syntax.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, parts[1] == ":=", let first = parts.first { names.insert(String(first)) }
        }
        return names
    }

    /// `// name := ...` comments above parse functions.
    func parserRuleComments() throws -> Set<String> {
        let directory = packageRoot.appendingPathComponent("Sources/LRSLanguage/Parsing")
        var names = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".swift") {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                guard trimmed.hasPrefix("// ") else { continue }
                let parts = trimmed.dropFirst(3).split(separator: " ")
                if parts.count >= 2, parts[1] == ":=", let first = parts.first { names.insert(String(first)) }
            }
        }
        return names
    }

    func fixtures() throws -> [URL] {
        let directory = testsDirectory.appendingPathComponent("Fixtures/language/grammar")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            .filter { $0.hasSuffix(".lrs") }.map { directory.appendingPathComponent($0) }
    }

    @Test func everyProductionIsExercised() throws {
        let productions = try grammarProductions()
        #expect(productions.count > 25)
        var entered = Set<String>()
        for url in try fixtures() {
            let source = try #require(SourceFile(contentsOf: url.path))
            entered.formUnion(Parser.productions(entering: source))
        }
        // 'arg' and 'value' are the places an expression is read; 'expr' covers them.
        let missing = productions.subtracting(entered)
        #expect(missing.isEmpty, "productions no fixture exercises: \(missing.sorted())")
        let undeclared = entered.subtracting(productions)
        #expect(undeclared.isEmpty, "parse functions for productions missing from lrs.ebnf: \(undeclared.sorted())")
    }

    @Test func parserCommentsNameGrammarProductions() throws {
        let productions = try grammarProductions()
        let comments = try parserRuleComments()
        #expect(comments.subtracting(productions).isEmpty, "\(comments.subtracting(productions).sorted())")
    }

    @Test func fixturesParseCleanExceptTheErrorOne() throws {
        for url in try fixtures() {
            let source = try #require(SourceFile(contentsOf: url.path))
            let (_, diagnostics) = Parser.parse(source)
            let expectErrors = url.lastPathComponent == "errors.lrs"
            #expect(diagnostics.hasErrors == expectErrors, "\(url.lastPathComponent): \(diagnostics.map(\.message))")
        }
    }
}
