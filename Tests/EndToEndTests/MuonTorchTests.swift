import LRSOptim
import Testing

/// Muon against torch.optim.Muon itself on matrices large enough for lrs's bfloat16 products
/// (256 rows and columns and up; the committed fixtures are smaller), both orientations.
/// torch's products and lrs's (oneDNN's, or OpenBLAS's in float32 where oneDNN is missing) sum
/// in other orders, and a sum that lands on the other side of a bfloat16 rounding moves an
/// element of the update by a bfloat16 step: the parameters agree to within 1/64 of how far
/// torch moved them (measured: 1/140).
@Suite(.enabled(if: ExportPython.hasTorch,
                "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct MuonTorchTests {
    @Test func largeMatricesMatchTorch() throws {
        let runs = try TorchOptimizerSteps.run(
            shapes: [[300, 260], [260, 530]], steps: 2, optimizer: "torch.optim.Muon([param], lr=0.02)", seed: 11,
            initScale: 0.1, gradScale: 0.01, lrs: ParamGroupConfig(kind: .muon, learningRate: 0.02))
        for run in runs {
            let moved = zip(run.torch, run.initial).map { abs($0 - $1) }.max() ?? 0
            let apart = zip(run.lrs, run.torch).map { abs($0 - $1) }.max() ?? 0
            #expect(moved > 0)
            #expect(apart <= moved / 64, "\(run.shape): apart \(apart), torch moved \(moved)")
        }
    }
}
