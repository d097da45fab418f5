import Foundation
import Testing
@testable import LRSEngine
import LRSLanguage
import TestSupport

/// Groups split by captures (section 14): one group per captured value in numeric order,
/// hyperparameters computed from the value, unbound captures named with their parameter,
/// schedules, `--explain`, JSON and the REPL.
@Suite struct CaptureGroupTests {
    /// A 12-block "ViT" as a flat built-in model: its blocks are labelled `block0` ...
    /// `block11`, so the contract's three lines read `"block{i}.*"` for `"blocks.{i}.*"`.
    static let vit: String = {
        let blocks = (0..<12).map { "block\($0): linear 4 4" }.joined(separator: "\n")
        return """
            let base = 1e-3
            let d = 0.75
            input 4
            model <
            patch_embed: linear 4 4
            \(blocks)
            head: linear 4 2
            >
            optimizer adamw

            """
    }()

    static let threeLines = """
        group "patch_embed.*" lr base * d^13 as embed
        group "block{i}.*" lr base * d^(12 - i) as block
        group rest lr base as head
        """

    func resolve(_ text: String) throws -> (CheckedScript, GroupResolution) {
        let script = try checked(text)
        return (script, GroupResolver.resolve(script, initialValues: values([:], model: script.model)))
    }

    @Test func theContractsLayerwiseDecayIsThreeLines() throws {
        let (_, resolution) = try resolve(Self.vit + Self.threeLines)
        #expect(resolution.diagnostics.isEmpty)
        #expect(resolution.groups.map(\.name) == ["embed"] + (0..<12).map { "block.\($0)" } + ["head"])
        // 2 before 10: numeric order, not the names' order.
        #expect(resolution.groups[3].name == "block.2" && resolution.groups[11].name == "block.10")
        #expect(resolution.groups[11].parameters == ["block10.weight", "block10.bias"])
        for i in 0..<12 {
            let group = resolution.groups[i + 1]
            #expect(abs(group.learningRate - 1e-3 * pow(0.75, Double(12 - i))) < 1e-18, "\(group.name)")
            #expect(group.baseName == "block")
            #expect(group.captures.map(\.name) == ["i"] && group.captures.map(\.value) == [i])
        }
        #expect(resolution.groups[0].learningRate == 1e-3 * pow(0.75, 13))
        #expect(resolution.groups[13].learningRate == 1e-3)
    }

    @Test func aCaptureUsedWhereAPartBindsNoneIsAnErrorNamingTheParameter() throws {
        let (_, resolution) = try resolve(Self.vit + """
            group "block{i}.*" or "head.*" lr base * d^(12 - i) as block
            group rest
            """)
        #expect(resolution.diagnostics.map(\.condition) == [.captureUnbound("i", parameter: "head.weight")])
        // Not used, an unbound capture is no error: those parameters form the group itself.
        let (_, fine) = try resolve(Self.vit + """
            group "block{i}.*" or "head.*" weight_decay 0 as block
            group rest
            """)
        #expect(fine.diagnostics.isEmpty)
        #expect(fine.groups.first?.name == "block")
        #expect(fine.groups.first?.parameters == ["head.weight", "head.bias"])
        #expect(fine.groups.dropFirst().first?.name == "block.0")
    }

    @Test func valuesAreCheckedPerSplitGroup() throws {
        let (_, resolution) = try resolve(Self.vit + """
            group "block{i}.*" lr 0.1 * (5 - i) as block
            group rest
            """)
        // i = 6 ... 11 give negative rates: one error each, in the group that has it.
        #expect(resolution.diagnostics.count == 6)
        #expect(resolution.diagnostics.first?.notes.first?.condition == .expandedGroup("block.6"))
    }

    @Test func capturesBindThroughWhereAndSplitByTuples() throws {
        let text = """
            input 4
            model < s1b0: linear 4 4; s1b1: linear 4 4; s2b0: linear 4 4; s10b2: linear 4 2 >
            optimizer sgd lr 1
            group "s{stage}b{block}.*" where ndim >= 2 lr stage * 10 + block as w
            group rest as other
            """
        let (_, resolution) = try resolve(text)
        #expect(resolution.diagnostics.isEmpty)
        #expect(resolution.groups.map(\.name) == ["w.1.0", "w.1.1", "w.2.0", "w.10.2", "other"])
        #expect(resolution.groups.map(\.learningRate) == [10, 11, 20, 102, 1])
        #expect(resolution.groups[3].parameters == ["s10b2.weight"])
        #expect(resolution.groups[4].parameters.count == 4)
    }

    @Test func aScheduleOnTheGroupsNameAppliesToEverySplitGroup() throws {
        let (_, resolution) = try resolve(Self.vit + Self.threeLines + "\nschedule block cosine 10\nschedule head step 2")
        let scheduled = resolution.groups.filter { $0.schedule != nil }.map(\.name)
        #expect(scheduled == (0..<12).map { "block.\($0)" } + ["head"])
        // One split group can have a schedule of its own.
        let (_, one) = try resolve(Self.vit + Self.threeLines + "\nschedule block.11 step 3")
        #expect(one.groups.filter { $0.schedule != nil }.map(\.name) == ["block.11"])
    }

    @Test func explainAndJSONCarryTheValues() throws {
        let (script, resolution) = try resolve(Self.vit + Self.threeLines)
        let lines = GroupExplanation.explain("block7.bias", in: script, resolution, initialValues: { _ in nil })
        #expect(lines?.last == "taken by group 'block.7' (line 22): '\"block{i}.*\"' matches; it binds i = 7")
        let json = GroupReport.json(script, resolution, file: "vit.lrs", diagnostics: resolution.diagnostics)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        #expect(groups[8]["name"] as? String == "block.7")
        #expect((groups[8]["captures"] as? [String: Int]) == ["i": 7])
        #expect(groups[0]["captures"] == nil)
    }

    @Test func theReplSplitsAndExplainsLikeCheck() {
        let session = ReplSession(directory: Fixtures.temporaryDirectory())
        for line in ["input 4", "model < block0: linear 4 4; block1: linear 4 4; block2: linear 4 4; head: linear 4 2 >",
                     "optimizer sgd lr 0.1", "group \"block{i}.*\" lr 0.1 * 0.5^i as b", "group rest as head"] {
            let reply = session.enter(line)
            #expect(!reply.failed, "\(line): \(reply.problems.map(\.diagnostic.message))")
        }
        #expect(session.groupNames == ["b.0", "b.1", "b.2", "head"])
        let shown = session.enter("show groups").output
        #expect(shown.contains("group b.2 (sgd): 2 parameters"), "\(shown)")
        #expect(shown.contains("lr            0.025"), "\(shown)")
        #expect(session.enter("explain block1.weight").output.contains("it binds i = 1"))
        let bad = session.enter("group \"x{}.*\" lr 1")
        #expect(bad.failed)
        #expect(bad.problems.map(\.diagnostic.condition) == [.captureEmpty])
    }
}
