import Foundation
import Testing
import TestSupport

/// The module that `lrs export` writes for a script whose model comes from a checkpoint
/// (section 16), on the real architectures of Tests/Fixtures/models: build() on a stand-in
/// with exactly the checkpoint's names and shapes (a tied alias included) must give every
/// parameter the group, optimizer, lr and weight_decay that the project's own grouping code
/// computed, or freeze it where that code does.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportModuleFixtureTests {
    /// Every setup of the fixtures.
    static let setups = ["bert/electra_layerwise", "bert/hf_no_decay", "gpt2/hf_no_decay", "gpt2/muon_adamw",
                         "gpt2/nanogpt", "llama/hf_no_decay", "llama/muon_adamw", "resnet/backbone_rate",
                         "resnet/timm_weight_decay", "vit/timm_layer_decay", "vit/timm_weight_decay"]

    @Test(arguments: setups)
    func buildGroupsARealCheckpointAsItsProjectDoes(_ setup: String) throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("module"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let folder = LRSBinary.fixture("models/" + setup.split(separator: "/")[0])
        let name = String(setup.split(separator: "/")[1])
        // No --module: a model from a file exports as the module.
        let export = try LRSBinary.run(["export", folder + "/" + name + ".lrs", "--to", "pytorch", "-o", "made.py"],
                                       in: directory)
        try #require(export.status == 0, "lrs export failed: \(export.stderr)")
        let text = try String(contentsOfFile: directory + "/made.py", encoding: .utf8)
        #expect(text.contains("\ndef build(model, *, epochs=None, steps_per_epoch=None):\n"))
        let result = try ExportModuleTests.harness(["fixture", "made", folder, folder + "/" + name + ".json"],
                                                   in: directory)
        #expect(result["mismatches"] as? [String] == [], "\(result["mismatches"] ?? "")")
        #expect((result["parameters"] as? Int ?? 0) > 30)
        #expect(result["in model order"] as? Bool == true)
    }
}
