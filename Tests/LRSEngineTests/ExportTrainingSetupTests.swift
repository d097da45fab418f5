import Foundation
import LRSEngine
import LRSLanguage
import Testing

/// Section 15 in the PyTorch export: clip, accumulate, wsd, the run-length names and a
/// per-step schedule's `epoch`. (ExportRunTests runs the reference cases' programs.)
@Suite struct ExportTrainingSetupTests {
    static let script = """
        input 4
        model < linear 4 3 >
        optimizer sgd lr 0.1
        let warm = round(total_steps / 8)
        schedule all wsd warm 4 shape cosine min_factor 0.1
        data synthetic samples 100 classes 3
        train epochs 2 batch 10 accumulate 3 clip 0.5
        """

    @Test func clipAndAccumulateShapeTheLoop() throws {
        let program = try ExportTests.export(Self.script)
        #expect(program.contains("ACCUMULATE = 3\nCLIP = 0.5"))
        #expect(program.contains("for run in runs_of(batches(x, y), ACCUMULATE):"))
        #expect(program.contains("(loss / ACCUMULATE).backward()"))
        #expect(program.contains("step_loss = sum(run_losses) / len(run_losses)"))
        #expect(program.contains("torch.nn.utils.clip_grad_norm_([p for group in groups for p in group[\"params\"]], CLIP)"))
        // The clip comes after the finiteness check and before the step.
        let clip = try #require(program.range(of: "clip_grad_norm_(["))
        let check = try #require(program.range(of: "stop_unless_finite(model, step_loss"))
        let step = try #require(program.range(of: "optimizer.step()", range: clip.upperBound..<program.endIndex))
        #expect(check.lowerBound < clip.lowerBound && clip.upperBound <= step.lowerBound)
    }

    @Test func plainTrainingKeepsTheOneBatchLoop() throws {
        let program = try ExportTests.export(Self.script.replacingOccurrences(of: " accumulate 3 clip 0.5", with: ""))
        #expect(!program.contains("ACCUMULATE"))
        #expect(!program.contains("clip_grad_norm_"))
        #expect(program.contains("            loss.backward()"))
    }

    @Test func wsdIsALambdaLROverTheTotal() throws {
        // 10 batches in runs of 3: 4 steps per epoch, 8 in all; round(8 / 8) = 1.
        let program = try ExportTests.export(Self.script)
        #expect(program.contains("optimizer, lambda step: (0 + (1 - 0) * step / 1 if step < 1 else 1.0 if step < 4 "
                                 + "else 0.1 + (1 - 0.1) * (1 + math.cos(math.pi * (step - 8 + 4) / 4)) / 2))"))
    }

    @Test func perStepEpochIsTheStepsOverTheStepsPerEpoch() throws {
        let program = try ExportTests.export(Self.script.replacingOccurrences(
            of: "schedule all wsd warm 4 shape cosine min_factor 0.1", with: "schedule all lambda 0.9^epoch / total_steps per step"))
        #expect(program.contains("lambda step: 0.9 ** (step // 4) / 8"))
    }
}
