import Foundation
import Testing
@testable import LRSEngine
import LRSLanguage

/// Selectors on nested models (section 12): a label selects every item written with it at
/// any depth, a position name a top-level item only, a kind every layer of that kind;
/// `each layer` counts layers with parameters through nesting and names groups by their
/// dotted names.
@Suite struct NestedSelectorTests {
    static let model = """
        input 4 8
        model <
          embed: linear 8 8
          blocks: repeat 2 <
            residual < ln: layernorm 8; attn: attention 8 heads 2 >
            mlp: < fc: linear 8 16; gelu; proj: linear 16 8 >
          >
          linear 8 3
        >
        optimizer adamw

        """

    func groups(_ text: String) throws -> [String: [String]] {
        let script = try checked(Self.model + text)
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(!resolution.diagnostics.hasErrors, "\(resolution.diagnostics.map(\.message))")
        return Dictionary(resolution.groups.map { ($0.name, $0.parameters) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func labelsSelectAtAnyDepth() throws {
        let groups = try groups("group attn lr 0.1\ngroup mlp lr 0.2\ngroup 2 lr 0.3\ngroup rest lr 0.4\n")
        #expect(groups["attn"] == ["blocks.0.0.attn.in_proj_weight", "blocks.0.0.attn.in_proj_bias",
                                   "blocks.0.0.attn.out_proj.weight", "blocks.0.0.attn.out_proj.bias",
                                   "blocks.1.0.attn.in_proj_weight", "blocks.1.0.attn.in_proj_bias",
                                   "blocks.1.0.attn.out_proj.weight", "blocks.1.0.attn.out_proj.bias"])
        #expect(groups["mlp"]?.count == 8 && groups["mlp"]?.allSatisfy { $0.contains(".mlp.") } == true)
        // `2` is the third top-level item, not the `0`/`1` positions inside blocks.
        #expect(groups["2"] == ["2.weight", "2.bias"])
        #expect(groups["rest"]?.count == 2 + 2 * 2)
    }

    @Test func kindsSelectLayersAtAnyDepth() throws {
        let groups = try groups("group linear lr 0.1\ngroup rest lr 0.2\n")
        #expect(groups["linear"] == ["embed.weight", "embed.bias", "blocks.0.mlp.fc.weight", "blocks.0.mlp.fc.bias",
                                     "blocks.0.mlp.proj.weight", "blocks.0.mlp.proj.bias", "blocks.1.mlp.fc.weight",
                                     "blocks.1.mlp.fc.bias", "blocks.1.mlp.proj.weight", "blocks.1.mlp.proj.bias",
                                     "2.weight", "2.bias"])
    }

    @Test func eachLayerCountsThroughNesting() throws {
        let script = try checked(Self.model + "group all each layer lr 0.5^(layers - 1 - layer)\n")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        #expect(resolution.groups.map(\.name) == ["all.embed", "all.blocks.0.0.ln", "all.blocks.0.0.attn", "all.blocks.0.mlp.fc",
                                                  "all.blocks.0.mlp.proj", "all.blocks.1.0.ln", "all.blocks.1.0.attn",
                                                  "all.blocks.1.mlp.fc", "all.blocks.1.mlp.proj", "all.2"])
        #expect(resolution.groups.map(\.learningRate) == (0 ..< 10).map { pow(0.5, Double(9 - $0)) })
        #expect(resolution.groups[2].parameters.count == 4)
    }

    @Test func unknownWordsSuggestLabelsAtAnyDepth() {
        let result = Checker.check(SourceFile(path: "t.lrs", text: Self.model + "group atn lr 1\n"),
                                   options: Checker.Options(checkFiles: false))
        #expect(result.diagnostics.map(\.message).contains("'atn' is neither a layer kind nor a layer name; did you mean 'attn'?"))
    }

    /// The report folds a repeat's copies into one row per role, by the checker's names.
    @Test func reportsFoldTheCopiesOfARepeat() throws {
        let script = try checked("input 4 8\nmodel < blocks: repeat 4 < residual < ln: layernorm 8; attn: attention 8 heads 2 > > >\n")
        let parameters = script.model.parameters
        let rows = NameRuns.rows(parameters.map(\.name)) {
            (parameters[$0].shape.map(String.init).joined(separator: "x"), parameters[$0].count)
        }
        #expect(rows.map(\.name) == ["blocks.{0..3}.0.ln.weight", "blocks.{0..3}.0.ln.bias", "blocks.{0..3}.0.attn.in_proj_weight",
                                     "blocks.{0..3}.0.attn.in_proj_bias", "blocks.{0..3}.0.attn.out_proj.weight",
                                     "blocks.{0..3}.0.attn.out_proj.bias"])
    }

    /// `--explain` names the layer by its dotted name and kind.
    @Test func explainNamesTheDottedLayer() throws {
        let script = try checked(Self.model + "group mlp lr 0.2\ngroup attn lr 0.1\ngroup rest lr 0.4\n")
        let resolution = GroupResolver.resolve(script, initialValues: values([:], model: script.model))
        let lines = GroupExplanation.explain("blocks.1.0.attn.out_proj.bias", in: script, resolution,
                                             initialValues: values([:], model: script.model))
        #expect(lines == ["parameter 'blocks.1.0.attn.out_proj.bias': 8, 8 elements, layer 'blocks.1.0.attn' (attention)",
                          "passed group 'mlp' (line 11): 'mlp' does not match",
                          "taken by group 'attn' (line 12): 'attn' matches"])
    }
}
