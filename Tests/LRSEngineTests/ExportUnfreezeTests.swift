import Foundation
import LRSEngine
import LRSExport
import LRSLanguage
import Testing

/// `freeze ... until epoch N` in the exported program: the parameters stay in their groups,
/// `requires_grad` is switched at each epoch's start, and `--ddp` is refused in words.
/// (The program's run against PyTorch's trace is groups_unfreeze_adam in ExportRunTests.)
@Suite struct ExportUnfreezeTests {
    static let script = """
        seed 1
        input 4
        model < a: linear 4 6; relu; b: linear 6 3 >
        optimizer adam lr 0.01
        freeze a until epoch 2
        data synthetic samples 32 classes 3
        train epochs 3 batch 8
        """

    @Test func switchesRequiresGradAtTheEpochsStart() throws {
        let program = try ExportTests.export(Self.script)
        #expect(program.contains("FROZEN_UNTIL = {\"a.weight\": 2, \"a.bias\": 2}"))
        #expect(program.contains("\"params\": [\"a.weight\", \"a.bias\", \"b.weight\", \"b.bias\"]"))
        #expect(!program.contains("FROZEN = "))
        let loop = try #require(program.range(of: "    for epoch in range(epochs):\n"))
        let next = program[loop.upperBound...]
        #expect(next.hasPrefix("""
                    # Frozen until an epoch: requires_grad switched at the epoch's start.
                    for name, first in FROZEN_UNTIL.items():
                        model.get_parameter(name).requires_grad_(epoch >= first)

            """))
        #expect(!(try ExportTests.export(Self.script.replacingOccurrences(of: " until epoch 2", with: "")))
            .contains("FROZEN_UNTIL"))
    }

    @Test func ddpIsRefusedAtTheFreeze() throws {
        let source = SourceFile(path: "case.lrs", text: Self.script)
        let outcome = PyTorchExport.check(source)
        let script = try #require(outcome.script)
        let resolution = try #require(outcome.resolution)
        #expect(throws: ExportRefusal.self) {
            _ = try PyTorchExport.program(script, resolution, options: .init(distributed: true, programName: "case.py"))
        }
        do {
            _ = try PyTorchExport.program(script, resolution, options: .init(distributed: true, programName: "case.py"))
        } catch {
            #expect(error.problem == .unfreezeUnderDDP)
            #expect(error.range.map { source.location(of: $0.start).line } == 5)
            #expect(error.message.hasPrefix("'freeze ... until epoch' cannot be exported with --ddp"))
        }
    }
}
