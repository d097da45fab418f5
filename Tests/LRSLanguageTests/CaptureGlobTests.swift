import Testing
@testable import LRSLanguage

/// Captures in quoted globs (section 14): what `{NAME}` matches and binds, how malformed
/// captures are reported and where, and which names a capture may not take.
@Suite struct CaptureGlobTests {
    func glob(_ text: String) throws -> CaptureGlob {
        switch CaptureGlob.parse(text) {
        case .success(let glob): return glob
        case .failure(let problem): throw problem
        }
    }

    func problem(_ text: String) -> CaptureGlob.Problem? {
        if case .failure(let problem) = CaptureGlob.parse(text) { return problem }
        return nil
    }

    @Test func captureBindsTheWholeRunOfDigits() throws {
        let blocks = try glob("blocks.{i}.*")
        #expect(blocks.names == ["i"])
        #expect(blocks.match("blocks.0.attn.qkv.weight") == [0])
        #expect(blocks.match("blocks.11.mlp.fc1.bias") == [11])
        #expect(blocks.match("blocks.x.weight") == nil)
        #expect(blocks.match("blocks..weight") == nil)
        #expect(blocks.match("blocks.3") == nil)
        // Leading zeros are the same number: one group for `01` and `1`.
        #expect(blocks.match("blocks.01.w") == [1])
        // Possessive: `{i}0` can never take the 1 of `10` and leave the 0.
        #expect(try glob("{i}0.weight").match("10.weight") == nil)
        #expect(try glob("{i}.weight").match("0.weight") == [0])
        #expect(try glob("fc{n}.weight").match("fc12.weight") == [12])
    }

    @Test func severalCapturesBindInOrderOfAppearance() throws {
        let resnet = try glob("layer{stage}.{block}.conv{k}.weight")
        #expect(resnet.names == ["stage", "block", "k"])
        #expect(resnet.match("layer2.0.conv1.weight") == [2, 0, 1])
        #expect(resnet.match("layer4.1.conv3.weight") == [4, 1, 3])
        #expect(resnet.match("layer4.1.downsample.0.weight") == nil)
    }

    @Test func underAStarTheLeftmostPlaceWins() throws {
        #expect(try glob("*.{i}.*").match("a.1.b.2.c") == [1])
        #expect(try glob("*{i}.weight").match("block12.weight") == [12])
        // The other fnmatch pieces still work beside a capture.
        #expect(try glob("[ab]{i}?").match("b7x") == [7])
        #expect(try glob("[!ab]{i}?").match("b7x") == nil)
    }

    @Test func aNumberTooLongForAnIntegerMatchesNothing() throws {
        #expect(try glob("{i}").match(String(repeating: "9", count: 30)) == nil)
        #expect(try glob("{i}").match("9223372036854775807") == [Int.max])
    }

    @Test func manyStarsAndCapturesStayFastOnALongName() throws {
        let pattern = String(repeating: "*{a}", count: 1).appending("*x*{b}*y")
        let name = String(repeating: "1a", count: 20_000)
        #expect(try glob(pattern).match(name) == nil)
    }

    @Test func malformedCapturesSayWhatAndWhere() {
        #expect(problem("blocks.{}.*")?.condition == .captureEmpty)
        #expect(problem("blocks.{}.*")?.offsets == 7..<9)
        #expect(problem("blocks.{1x}.*")?.condition == .captureNotAName("1x"))
        #expect(problem("blocks.{1x}.*")?.offsets == 8..<10)
        #expect(problem("blocks.{i.*")?.condition == .captureUnclosed)
        #expect(problem("blocks.{i.*")?.offsets == 7..<8)
        #expect(problem("{i}.{i}")?.condition == .captureTwice("i"))
        #expect(problem("{i}{j}")?.condition == .capturesAdjacent("j"))
        #expect(problem("é{x-y}")?.offsets == 3..<6)
    }

    @Test func theParserLocatesCapturesInTheSource() throws {
        let (script, diagnostics) = parse(#"group "blocks.{i}.*" lr 1"#)
        #expect(!diagnostics.hasErrors)
        guard case .group(let group)? = script.statements.first?.kind,
              case .captureGlob(let glob) = group.selector.kind else {
            Issue.record("expected a capture glob")
            return
        }
        #expect(glob.nameRanges == [SourceRange(start: 15, end: 16)])
        // A glob without '{' stays a plain glob.
        let plain = parse(#"group "*.bias" lr 1"#).script
        guard case .group(let g)? = plain.statements.first?.kind, case .glob("*.bias") = g.selector.kind else {
            Issue.record("expected a plain glob")
            return
        }
    }

    @Test func parseErrorsPointIntoTheStringPastEscapes() {
        let (_, diagnostics) = parse(#"group "a\"b{1x}" lr 1"#)
        #expect(diagnostics.map(\.condition) == [.captureNotAName("1x")])
        // `group "a\"b{` is 12 bytes: the name starts at offset 12.
        #expect(diagnostics.first?.range == SourceRange(start: 12, end: 14))
    }

    let model = "input 4\nmodel < block0: linear 4 4; block1: linear 4 4; block10: linear 4 4; head: linear 4 2 >\n"
        + "optimizer sgd lr 0.1\n"

    @Test func capturesAreTheGroupsVariables() throws {
        let result = check(model + "group \"block{i}.*\" lr 0.1 * 0.5^i as block\ngroup rest")
        #expect(errors(result) == [])
        let group = try #require(result.script?.groups.first)
        #expect(group.captures == ["i"])
        guard case .expression(let compiled)? = group.hyperparameters.first(where: { $0.name == "lr" })?.value else {
            Issue.record("lr should be an expression of i")
            return
        }
        #expect(compiled.evaluate([2]) == 0.025)
        // A name no glob captures is unknown, as in any expression.
        let other = check(model + "group \"block{i}.*\" lr 0.1 * j\ngroup rest")
        #expect(errors(other).count == 1)
        if case .unknownName("j", _)? = errors(other).first {} else { Issue.record("\(errors(other))") }
    }

    @Test func aCaptureMayNotHideANameTheScriptOrLanguageGives() {
        let result = check("let base = 1\n" + model + """
            group "block{layer}.*" lr 0.1
            group "block{base}.*" lr 0.1
            group "block{exp}.*" lr 0.1
            group "block{and}.*" lr 0.1
            group rest
            """)
        #expect(errors(result) == [
            .captureNameTaken("layer", what: "the language's"),
            .captureNameTaken("base", what: "the let"),
            .captureNameTaken("exp", what: "the function"),
            .captureNameTaken("and", what: "the keyword"),
        ])
        // The diagnostic points at the name inside the string.
        let first = result.diagnostics.first { $0.severity == .error }
        let source = SourceFile(path: "test.lrs", text: "let base = 1\n" + model + "group \"block{layer}.*\"")
        #expect(first.flatMap { $0.range.map { source.text(of: $0) } } == "layer")
    }

    @Test func eachAndAnAndBindingTwiceAreErrors() {
        #expect(errors(check(model + "group \"block{i}.*\" each layer lr 0.1\ngroup rest")) == [.captureWithEach])
        #expect(errors(check(model + "group \"block{i}.*\" and \"*{i}.weight\" lr 0.1\ngroup rest")) == [.captureBoundTwice("i")])
        // The same name on both sides of 'or' is fine: each parameter takes one side.
        #expect(errors(check(model + "group \"block{i}.weight\" or \"block{i}.bias\" lr 0.1 * i\ngroup rest")) == [])
    }

    @Test func aCaptureGlobThatMatchesNothingIsAnError() {
        #expect(errors(check(model + "group \"blocks.{i}.*\" lr 0.1\ngroup rest")) == [
            .globMatchesNoParameter("blocks.{i}.*", nearest: ["block0.weight", "block0.bias", "block1.weight"]),
        ])
    }

    @Test func schedulesNameSplitGroupsByTheirValues() {
        #expect(errors(check(model + "group \"block{i}.*\" as b\ngroup rest\nschedule b.10 step 2")) == [])
        let unknown = errors(check(model + "group \"block{i}.*\" as b\ngroup rest\nschedule b.2 step 2"))
        if case .unknownScheduleGroup("b.2", _, _)? = unknown.first {} else { Issue.record("\(unknown)") }
    }
}
