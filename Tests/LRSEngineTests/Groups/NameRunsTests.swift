import Testing
@testable import LRSEngine

/// Report rows for big models: names that differ only in one integer segment, with
/// consecutive values and one shape, are one row; everything else stays as it was.
@Suite struct NameRunsTests {
    func rows(_ names: [String], shape: (String) -> String = { _ in "4x4" }) -> [String] {
        NameRuns.rows(names) { (shape(names[$0]), 16) }.map { $0.members > 1 ? "\($0.name) \($0.members)" : $0.name }
    }

    @Test func blocksOfATransformerAreOneRowPerRole() {
        var names = ["cls_token"]
        for i in 0..<12 {
            names += ["blocks.\(i).attn.qkv.weight", "blocks.\(i).attn.qkv.bias", "blocks.\(i).mlp.fc1.weight"]
        }
        names.append("head.weight")
        #expect(rows(names) == ["cls_token", "blocks.{0..11}.attn.qkv.weight 12", "blocks.{0..11}.attn.qkv.bias 12",
                                "blocks.{0..11}.mlp.fc1.weight 12", "head.weight"])
    }

    @Test func runsNeedConsecutiveValuesTheSameShapeAndThreeNames() {
        // 0, 2, 4 (a Sequential with activations between) are not consecutive.
        #expect(rows(["0.weight", "2.weight", "4.weight"]) == ["0.weight", "2.weight", "4.weight"])
        #expect(rows(["0.weight", "1.weight"]) == ["0.weight", "1.weight"])
        #expect(rows(["a.0.w", "a.1.w", "a.2.w", "a.3.w", "a.5.w"]) == ["a.{0..3}.w 4", "a.5.w"])
        // Block 0 of a ResNet stage has another shape (its input width): it stays apart.
        let shapes = { (name: String) in name.hasPrefix("layer2.0.") ? "8x4" : "8x8" }
        #expect(rows((0..<4).map { "layer2.\($0).conv1.weight" }, shape: shapes)
                == ["layer2.0.conv1.weight", "layer2.{1..3}.conv1.weight 3"])
        // Leading zeros and non-numbers are names, not indices.
        #expect(rows(["x.00.w", "x.01.w", "x.02.w"]) == ["x.00.w", "x.01.w", "x.02.w"])
    }

    @Test func twoIndicesSummariseToAGrid() {
        var names: [String] = []
        for i in 0..<4 { for j in 0..<3 { names.append("h.\(i).sub.\(j).w") } }
        #expect(rows(names) == ["h.{0..3}.sub.{0..2}.w 12"])
    }

    /// A hundred roles, each over three blocks, in block order: the table of roles grows
    /// past its first size and every role still gets its row, in the order of its first name.
    @Test func manyRolesEachGetTheirRow() {
        let names = (0..<3).flatMap { i in (0..<100).map { "b.\(i).role\($0).w" } }
        #expect(rows(names) == (0..<100).map { "b.{0..2}.role\($0).w 3" })
    }

    @Test func aThousandParametersFitAScreen() {
        let names = (0..<500).flatMap { ["\($0).weight", "\($0).bias"] }
        let summary = NameRuns.rows(names) { (names[$0].hasSuffix("weight") ? "4x4" : "4", names[$0].hasSuffix("weight") ? 16 : 4) }
        #expect(summary == [NameRuns.Row(name: "{0..499}.weight", shape: "4x4", count: 16, members: 500),
                            NameRuns.Row(name: "{0..499}.bias", shape: "4", count: 4, members: 500)])
    }
}
