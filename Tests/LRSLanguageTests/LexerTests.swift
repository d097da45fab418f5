import Testing
@testable import LRSLanguage

@Suite struct LexerTests {
    func kinds(_ text: String) -> [Token.Kind] {
        Lexer.tokenize(SourceFile(path: "t", text: text)).tokens.map(\.kind)
    }

    @Test func numbersInEveryContractForm() {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(path: "t", text: "3 0.01 .5 1e-3 2.5E+4"))
        #expect(diagnostics.isEmpty)
        #expect(tokens.dropLast().map(\.value) == [3, 0.01, 0.5, 0.001, 25000])
    }

    @Test func stringsWithEscapes() {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(path: "t", text: #""a\"b\\c""#))
        #expect(diagnostics.isEmpty)
        #expect(tokens.first?.text == #"a"b\c"#)
    }

    @Test func newlinesInsideBracketsAreDropped() {
        #expect(kinds("(1\n+2)\nx") == [.leftParen, .number, .plus, .number, .rightParen, .newline, .identifier, .endOfFile])
    }

    @Test func commentsRunToEndOfLine() {
        #expect(kinds("a # b c\nd") == [.identifier, .newline, .identifier, .endOfFile])
    }

    @Test func operators() {
        #expect(kinds("< <= > >= == != = ^ %") == [.less, .lessEqual, .greater, .greaterEqual, .equalEqual, .bangEqual,
                                                 .equals, .caret, .percent, .endOfFile])
    }

    @Test func tokensCarryRanges() {
        let source = SourceFile(path: "t", text: "model <\n  head: linear 3 4 >")
        let tokens = Lexer.tokenize(source).tokens
        let head = tokens.first { $0.text == "head" }
        #expect(head.map { source.location(of: $0.range.start) } == SourceLocation(offset: 10, line: 2, column: 3))
        #expect(head.map { source.text(of: $0.range) } == "head")
    }

    @Test func badBytesAreLocatedNotFatal() {
        let source = SourceFile(path: "t", bytes: [0x61, 0x00, 0xFF, 0x22, 0x62])
        let (_, diagnostics) = Lexer.tokenize(source)
        #expect(diagnostics.map(\.condition) == [.nulByte, .invalidUTF8(0xFF), .unterminatedString])
        #expect(diagnostics.allSatisfy { $0.range != nil })
    }

    @Test func hugeNumbersAreReported() {
        let (_, diagnostics) = Lexer.tokenize(SourceFile(path: "t", text: "1e999"))
        #expect(diagnostics.map(\.condition) == [.numberTooLarge("1e999")])
    }

    @Test func utf8InCommentsAndStringsIsFine() {
        let (tokens, diagnostics) = Lexer.tokenize(SourceFile(path: "t", text: "# größe\n\"λ.bin\""))
        #expect(diagnostics.isEmpty)
        #expect(tokens.contains { $0.text == "λ.bin" })
    }

    @Test func columnsCountScalars() {
        let source = SourceFile(path: "t", text: "\"λλ\" x")
        let x = Lexer.tokenize(source).tokens.first { $0.text == "x" }
        #expect(x.map { source.location(of: $0.range.start).column } == 6)
    }
}
