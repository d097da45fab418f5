import Testing
@testable import LRSLanguage

/// Scripts as editors write them (a byte-order mark, CR or CRLF line ends), and source
/// text echoed to a terminal with its control and bidi characters escaped.
@Suite struct SourceTextTests {
    @Test func byteOrderMarkIsSkipped() {
        let source = SourceFile(path: "t.lrs", bytes: [0xEF, 0xBB, 0xBF] + Array("input 4\nmodel < linear 4 2 >\nlet x = @".utf8))
        let (script, diagnostics) = Parser.parse(source)
        #expect(script.statements.map(\.keyword.text) == ["input", "model"])
        // The only error is the '@' on line 3, at its column (the mark counts for nothing).
        #expect(diagnostics.map { source.location(of: $0.range?.start ?? -1).line } == [3])
        #expect(diagnostics.map { source.location(of: $0.range?.start ?? -1).column } == [9])
        #expect(source.location(of: 0).column == 1)
    }

    @Test func crAloneAndCRLFAreLineBreaks() {
        for ending in ["\r", "\r\n", "\n"] {
            let text = ["input 4", "model < linear 4 3", "relu; linear 3 2 >", "# comment", "group all lr 0.1", "let s = \"open"]
                .joined(separator: ending)
            let source = SourceFile(path: "t.lrs", text: text)
            let (script, diagnostics) = Parser.parse(source)
            #expect(script.statements.map(\.keyword.text) == ["input", "model", "group", "let"], "\(ending.unicodeScalars.map(\.value))")
            // Just the unterminated string, on line 6.
            #expect(diagnostics.map(\.condition) == [.unterminatedString])
            #expect(diagnostics.map { source.location(of: $0.range?.start ?? 0).line } == [6])
            #expect(source.lineBytes(5).elementsEqual("group all lr 0.1".utf8))
        }
        // Two lone CRs are an empty line between; CRLF is one break, not two.
        let source = SourceFile(path: "t.lrs", text: "a\r\rb\r\nc")
        #expect(source.location(of: 3).line == 3)
        #expect(source.location(of: 6).line == 4)
    }

    @Test func controlAndBidiCharactersAreEscapedInLinesAndMessages() {
        let text = "group \"ab\u{202E}cd\u{0}\" lr 0.1 # \u{1B}[2J \u{2066}x\u{2069}\u{200F}"
        let source = SourceFile(path: "t.lrs", text: text)
        let (_, diagnostics) = Parser.parse(source)
        let shown = DiagnosticRenderer().render(diagnostics, in: source)
        for raw in ["\u{0}", "\u{202E}", "\u{1B}", "\u{2066}", "\u{2069}", "\u{200F}"] {
            #expect(!shown.contains(raw), "\(raw.unicodeScalars.first.map(\.value) ?? 0)")
        }
        #expect(shown.contains(#"group "ab\u{202E}cd\u{0}" lr 0.1 # \u{1B}[2J \u{2066}x\u{2069}\u{200F}"#), "\(shown)")
        // The caret is under the escape of the NUL.
        let lines = shown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let caret = lines.first { $0.contains("^") } ?? ""
        let echoed = lines.first { $0.hasPrefix("group") } ?? ""
        let column = caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) } ?? -1
        #expect(echoed.dropFirst(column).hasPrefix(#"\u{0}"#), "\(shown)")

        let message = DiagnosticRenderer().render(.error(.unknownName("a\u{202E}b\u{0}", suggestions: []), at: nil), in: source)
        #expect(message.contains(#"a\u{202E}b\u{0}"#) && !message.contains("\u{202E}"))
    }

    @Test func aLongLineIsShownAsAWindowAroundTheCaret() {
        let text = "let x = 1" + String(repeating: " + 1", count: 250_000) + " + @" + String(repeating: " + 1", count: 1000)
        let source = SourceFile(path: "t.lrs", text: text)
        let (_, diagnostics) = Parser.parse(source)
        let shown = DiagnosticRenderer().render(diagnostics, in: source)
        let lines = shown.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.dropFirst().allSatisfy { $0.count <= DiagnosticRenderer.widestLine + 6 }, "\(shown)")
        let caret = lines.last?.firstIndex(of: "^").map { lines[2].distance(from: lines[2].startIndex, to: $0) } ?? -1
        #expect(lines[1].dropFirst(caret).hasPrefix("@"), "\(shown)")
        #expect(lines[1].hasPrefix("...") && lines[1].hasSuffix("..."))
    }
}
