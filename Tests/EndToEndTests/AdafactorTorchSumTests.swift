import LRSOptim
import Testing

/// Adafactor's factored step against torch.optim.Adafactor itself, bit for bit, on matrices
/// too tall for a committed fixture: the mean of the row factors takes torch's cascaded vector
/// sum from 512 rows on (600 and 2 x 520 rows), and a single column's norm is a contiguous
/// norm (1000 x 1). The 7 x 5 matrix takes the four accumulators of a short sum.
@Suite(.enabled(if: ExportPython.hasTorch,
                "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct AdafactorTorchSumTests {
    @Test func tallMatricesMatchTorch() throws {
        let runs = try TorchOptimizerSteps.run(
            shapes: [[600, 3], [1000, 1], [2, 520, 2], [7, 5]], steps: 3,
            optimizer: "torch.optim.Adafactor([param], lr=0.02, foreach=False)", seed: 7,
            lrs: ParamGroupConfig(kind: .adafactor, learningRate: 0.02))
        for run in runs {
            let mismatches = zip(run.lrs, run.torch).filter { $0.bitPattern != $1.bitPattern }
            #expect(mismatches.isEmpty, "\(run.shape): \(mismatches.count) of \(run.lrs.count) elements differ from torch")
        }
    }
}
