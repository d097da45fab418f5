import Foundation
import Testing
import TestSupport

/// `freeze ... until epoch N` in the `build(model)` module: build() switches the parameters'
/// requires_grad off, epoch_end() counts the epochs and switches it on at epoch N, and the
/// count is in state_dict(), so the user's loop reproduces PyTorch's reference trace and a
/// resumed run equals the uninterrupted one. Runs Tests/Fixtures/module/unfreeze.py on the
/// reference case groups_unfreeze_adam.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportModuleUnfreezeTests {
    @Test func theUsersLoopMatchesThePyTorchReference() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference-own/groups_unfreeze_adam"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: LRSBinary.fixture("module/unfreeze.py"), toPath: directory + "/unfreeze.py")
        for arguments in [["-o", "program.py"], ["--module", "-o", "made.py"]] {
            let result = try LRSBinary.run(["export", "case.lrs", "--to", "pytorch"] + arguments, in: directory)
            try #require(result.status == 0, "\(result.stderr)")
        }
        let made = try String(contentsOfFile: directory + "/made.py", encoding: .utf8)
        #expect(made.contains("FROZEN_UNTIL = {\"0.weight\": 2, \"0.bias\": 2}"))
        #expect(made.contains("class UnfreezingSetup(Setup):"))

        // Stopped after epoch 1: the frozen layer has no optimizer state yet.
        let run = try ExportPython.python(["unfreeze.py", "program", "made", "1"], in: directory)
        try #require(run.status == 0, "\(run.stderr)")
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let losses = try #require(result["losses"] as? [Double])
        let reference = try ExportPython.readTrace(directory + "/trace.jsonl")
        try #require(losses.count == reference.count)
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))) as? [String: Any]
        let tolerance = try #require((expected?["tolerances"] as? [String: Double])?["loss_rel"])
        for (got, want) in zip(losses, reference) {
            #expect(Swift.abs(got - want.loss) <= tolerance * Swift.abs(want.loss), "step \(want.step): \(got) vs \(want.loss)")
        }
        #expect(result["frozen at build"] as? [String] == ["0.weight", "0.bias"])
        let trained = try #require(result["trained after epoch"] as? [[String]])
        #expect(trained.map { $0.contains("0.weight") } == [false, true, true, true])
        #expect(result["state at stop"] as? [String] == ["2.bias", "2.weight", "4.bias", "4.weight"])
        #expect(result["resumed equal"] as? Bool == true)
    }

    /// Under torchrun, DDP wrapped before build() with find_unused_parameters: the same
    /// losses, the processes' weights equal; a wrapper without it is refused by build().
    @Test func underTorchrunWithDDP() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference-own/groups_unfreeze_adam"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: LRSBinary.fixture("module/unfreeze.py"), toPath: directory + "/unfreeze.py")
        for arguments in [["-o", "program.py"], ["--module", "-o", "made.py"]] {
            let result = try LRSBinary.run(["export", "case.lrs", "--to", "pytorch"] + arguments, in: directory)
            try #require(result.status == 0, "\(result.stderr)")
        }
        let run = try ExportPython.python(["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                                           "unfreeze.py", "ddp", "program", "made"], in: directory, timeout: 240)
        try #require(run.status == 0, "\(run.stderr)")
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let result = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let losses = try #require(result["losses"] as? [Double])
        let reference = try ExportPython.readTrace(directory + "/trace.jsonl")
        try #require(losses.count == reference.count)
        for (got, want) in zip(losses, reference) {
            #expect(Swift.abs(got - want.loss) <= 1e-5 * Swift.abs(want.loss), "step \(want.step): \(got) vs \(want.loss)")
        }
        #expect(result["agree"] as? Bool == true)
        #expect((result["refusal"] as? String)?.contains("find_unused_parameters=True) before build()") == true)
    }

    @Test func aModuleWithoutItIsUnchanged() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference-own/groups_unfreeze_adam"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try String(contentsOfFile: directory + "/case.lrs", encoding: .utf8)
        try text.replacingOccurrences(of: "freeze \"0.*\" until epoch 2\n", with: "")
            .write(toFile: directory + "/case.lrs", atomically: true, encoding: .utf8)
        let result = try LRSBinary.run(["export", "case.lrs", "--to", "pytorch", "--module"], in: directory)
        try #require(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("FROZEN_UNTIL"))
        #expect(!result.stdout.contains("UnfreezingSetup"))
        #expect(result.stdout.contains("    return Setup(optimizers, schedules, names)"))
    }
}
