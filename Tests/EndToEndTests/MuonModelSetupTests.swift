import Foundation
import Testing
import TestSupport

/// The Muon/AdamW splits on the real-architecture fixtures (Tests/Fixtures/models: gpt2 as
/// modded-nanogpt splits it, llama as Moonlight does): every group `lrs check` reports has the
/// parameters and every hyperparameter, Muon's own included, that torch.optim.Muon and its
/// Adam/AdamW companion hold in the project's own code (the JSON beside each script).
@Suite struct MuonModelSetupTests {
    @Test(arguments: ["gpt2/muon_adamw", "llama/muon_adamw"])
    func groupsAndHyperparametersEqualTheProjectsOwn(setup: String) throws {
        let run = try LRSBinary.run(["check", "--format", "json", "Tests/Fixtures/models/\(setup).lrs"], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])?.first)
        let expected = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: LRSBinary.fixture("models/\(setup).json")))) as? [String: Any])
        let groups = report["groups"] as? [[String: Any]] ?? []
        let byName = Dictionary(groups.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })

        // Each torch group: its optimizer kind, its size and every hyperparameter torch holds.
        for optimizer in expected["optimizers"] as? [[String: Any]] ?? [] {
            let kind = optimizer["kind"] as? String
            for want in optimizer["groups"] as? [[String: Any]] ?? [] {
                let label = want["label"] as? String ?? ""
                let got = try #require(byName[label], "\(setup): no group '\(label)'")
                #expect(got["optimizer"] as? String == kind, "\(setup): \(label)")
                #expect((got["parameters"] as? [Any])?.count == want["count"] as? Int, "\(setup): \(label)")
                let settings = (got["hyperparameters"] as? [String: [String: Any]] ?? [:]).mapValues { $0["value"] }
                for (key, value) in want["hyperparameters"] as? [String: Any] ?? [:] {
                    let mine = try #require(settings[key], "\(setup): \(label) lacks \(key)")
                    // torch's adjust_lr_fn None is "original", which lrs writes out.
                    if value is NSNull, key == "adjust_lr_fn" {
                        #expect(mine as? String == "original")
                        continue
                    }
                    #expect((mine as? NSObject)?.isEqual(value) == true, "\(setup): \(label) \(key) \(String(describing: mine)) vs \(value)")
                }
            }
        }
        // Every parameter in the group the project puts it in; Muon's all 2-D.
        var groupOf: [String: String] = [:]
        for group in groups {
            for parameter in group["parameters"] as? [[String: Any]] ?? [] {
                groupOf[parameter["name"] as? String ?? ""] = group["name"] as? String
                if group["optimizer"] as? String == "muon" { #expect((parameter["shape"] as? [Int])?.count == 2) }
            }
        }
        let rows = expected["parameters"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty && groupOf.count == rows.count)
        for row in rows {
            let name = row["name"] as? String ?? ""
            #expect(groupOf[name] == row["lrs_group"] as? String, "\(setup): \(name)")
        }
    }
}
