import Foundation
import LRSFiles
import LRSLanguage
import Testing
import TestSupport
@testable import LRSEngine

/// Captures and summarised rows on real architectures' names (Tests/Fixtures/models, made by
/// timm and transformers): what lrs computes must be what the libraries' own code computed.
@Suite struct CaptureRealNamesTests {
    struct Tensor {
        let name: String
        let shape: [Int]
    }

    /// The parameters of a fixture model, in the checkpoint's order.
    static func parameters(_ model: String) throws -> [Tensor] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("models/\(model)/model.json")))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let tensors = try #require(object["tensors"] as? [[String: Any]])
        return tensors.filter { $0["kind"] as? String == "parameter" }.compactMap { tensor in
            guard let name = tensor["name"] as? String, let shape = tensor["shape"] as? [Int] else { return nil }
            return Tensor(name: name, shape: shape)
        }
    }

    /// timm's `param_groups_layer_decay` on a 12-block ViT: `"blocks.{i}.*"` takes exactly
    /// the parameters timm gives layer i + 1, and `base * d^(12 - i)` is timm's rate to the bit.
    @Test func vitLayerDecayEqualsTimm() throws {
        // Decoded as Double by JSONDecoder: Foundation's JSONSerialization on Linux reads
        // 5.6313514709472656e-05 as 5.6313514709472676e-05, two units in the last place off.
        struct Setup: Decodable {
            struct Row: Decodable {
                let name: String
                let lr: Double
                let lrs_group: String
            }
            let parameters: [Row]
        }
        let url = URL(fileURLWithPath: Fixtures.path("models/vit/timm_layer_decay.json"))
        let rows = try JSONDecoder().decode(Setup.self, from: Data(contentsOf: url)).parameters
        let glob = try CaptureGlob.parse("blocks.{i}.*").get()
        let syntax = Parser.parse(SourceFile(path: "t.lrs", text: "let x = base * d^(12 - i)")).script
        guard case .let(_, let expr)? = syntax.statements.first?.kind,
              case .success(let rate) = ExpressionCompiler(constants: ["base": 1e-3, "d": 0.75], variables: ["i"]).compile(expr)
        else {
            Issue.record("the rate expression does not compile")
            return
        }
        var blocks = 0
        for row in rows {
            let (name, group, lr) = (row.name, row.lrs_group, row.lr)
            guard let values = glob.match(name) else {
                #expect(!group.hasPrefix("block_"), "\(name) should be in a block")
                continue
            }
            blocks += 1
            let base = group.hasPrefix("block_decay") ? "block_decay" : "block_no_decay"
            #expect(CaptureBinding.groupName(base, values.map { $0 }) == group, "\(name)")
            #expect(rate.evaluate(values.map(Double.init)) == lr, "\(name)")
        }
        #expect(blocks == 12 * 12)
    }

    @Test func realModelsReportInAFewRows() throws {
        for (model, row, members) in [("vit", "blocks.{0..11}.attn.qkv.weight", 12),
                                      ("gpt2", "transformer.h.{0..11}.attn.c_attn.weight", 12),
                                      ("bert", "bert.encoder.layer.{0..11}.attention.self.query.weight", 12)] {
            let tensors = try Self.parameters(model)
            let shapes = Dictionary(tensors.map { ($0.name, ShapeText.text($0.shape)) }, uniquingKeysWith: { a, _ in a })
            let rows = NameRuns.rows(tensors.map(\.name)) { (shapes[tensors[$0].name] ?? "?", 1) }
            #expect(rows.contains { $0.name == row && $0.members == members }, "\(model): \(rows.map(\.name))")
            #expect(rows.reduce(0) { $0 + $1.members } == tensors.count)
            #expect(rows.count * 4 < tensors.count, "\(model): \(rows.count) rows for \(tensors.count) parameters")
        }
    }
}
