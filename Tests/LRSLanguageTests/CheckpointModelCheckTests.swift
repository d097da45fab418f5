import Foundation
import LRSFiles
import Testing
@testable import LRSLanguage

/// `model from "FILE"` in the parser and the checker (section 13), on the committed GPT-2
/// and ResNet checkpoints.
@Suite struct CheckpointModelCheckTests {
    func checkModels(_ folder: String, _ body: String) -> CheckResult {
        let path = testsDirectory.appendingPathComponent("Fixtures/models/\(folder)/model.safetensors").path
        return check("model from \"\(path)\"\n" + body)
    }

    @Test func parsesTheFileName() {
        let (script, diagnostics) = parse("model from \"m.safetensors.index.json\"\n")
        #expect(!diagnostics.hasErrors)
        guard case .model(let model)? = script.statements.first?.kind else {
            Issue.record("no model statement")
            return
        }
        #expect(model.file?.value == "m.safetensors.index.json")
        #expect(model.items.isEmpty)
        let (_, missing) = parse("model from\n")
        #expect(missing.first?.condition == .expected("a checkpoint file name after 'from'", found: "end of line")
            || missing.hasErrors)
    }

    @Test func buffersFollowTheRuleAndParametersKeepTheFileOrder() throws {
        let result = checkModels("resnet", "group all\n")
        let model = try #require(result.script?.model)
        #expect(model.parameters.count == 161)
        #expect(model.buffers.count == 159)
        #expect(model.buffers.allSatisfy {
            $0.name.hasSuffix(".running_mean") || $0.name.hasSuffix(".running_var") || $0.name.hasSuffix(".num_batches_tracked")
        })
        #expect(model.buffers.filter(\.isInteger).count == 53)
        #expect(model.parameters.allSatisfy { $0.layerKind == nil })
        // Modules by first appearance: both of a BatchNorm's parameters share one.
        let bn = model.parameters.filter { $0.layerName == "layer1.0.downsample.1" }
        #expect(bn.count == 2 && bn[0].parameterLayerIndex == bn[1].parameterLayerIndex)
        // The state dict (made when asked) interleaves parameters and buffers in the file's order.
        let path = testsDirectory.appendingPathComponent("Fixtures/models/resnet/model.safetensors").path
        let header = try SafetensorsHeader.read(path: path)
        #expect(model.stateDict.map(\.name) == header.entries.map(\.name))
        #expect(model.stateDict.map { if case .buffer = $0 { true } else { false } }
                == header.entries.map { !$0.dtype.isFloatingPoint || Checker.isBufferName($0.name) })
        // A module's name is its parameters' names less the last segment.
        #expect(model.parameters.first?.name == "bn1.bias" && model.parameters.first?.layerName == "bn1")
    }

    @Test func segmentsAreWholeWords() {
        #expect(CheckedModelFile.name("encoder.layer.3.output.LayerNorm.weight", hasSegment: "LayerNorm"))
        #expect(CheckedModelFile.name("encoder.layer.3.output.LayerNorm.weight", hasSegment: "3"))
        #expect(!CheckedModelFile.name("encoder.layer.3.output.LayerNorm2.weight", hasSegment: "LayerNorm"))
        #expect(!CheckedModelFile.name("decode_head.weight", hasSegment: "head"))
        #expect(CheckedModelFile.name("head", hasSegment: "head"))
        #expect(!CheckedModelFile.name("head", hasSegment: ""))
    }

    @Test func kindsAndUnknownWordsAreErrors() {
        let result = checkModels("gpt2", "group conv lr 1\ngroup attention lr 1\ngroup attn lr 1\ngroup rest\n")
        let conditions = errors(result)
        #expect(conditions.contains { if case .kindSelectorOnCheckpoint("conv", _) = $0 { return true } else { return false } })
        // `attention` is a layer kind (section 12): a kind selector, which a checkpoint has no kinds for.
        #expect(conditions.contains { if case .kindSelectorOnCheckpoint("attention", _) = $0 { return true } else { return false } })
        #expect(conditions.count == 2)
    }

    @Test func aPredicateThatTookASelectorWordSaysSo() throws {
        let result = checkModels("gpt2", "group all where ndim >= 2 and not wte lr 1\ngroup rest\n")
        let error = try #require(result.diagnostics.first { $0.severity == .error })
        #expect(error.condition == .unknownName("wte", suggestions: []) || error.message.contains("'wte'"))
        #expect(error.notes.contains { $0.condition == .predicateTookSelector("wte") })
        // Parenthesised, it checks.
        #expect(!checkModels("gpt2", "group (all where ndim >= 2) and not wte lr 1\ngroup rest\n").hasErrors)
    }

    @Test func anUnreadableFileIsLocatedAtItsName() {
        let result = check("model from \"no/such.safetensors\"\ngroup all\n")
        let error = result.diagnostics.first { $0.severity == .error }
        #expect(error?.condition == .modelFile("no/such.safetensors", reason: "no such file"))
        #expect(error?.range?.start == 11)
    }
}
