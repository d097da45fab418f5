import Foundation
import LRSOptim
import LRSRuntime
import Testing
import TestSupport

/// Muon against torch.optim.Muon itself on matrices large enough for lrs's bfloat16 products
/// (256 rows and columns and up; the committed fixtures are smaller), both orientations.
/// torch's products and lrs's (oneDNN's, or OpenBLAS's in float32 where oneDNN is missing) sum
/// in other orders, and a sum that lands on the other side of a bfloat16 rounding moves an
/// element of the update by a bfloat16 step: the parameters agree to within 1/64 of how far
/// torch moved them (measured: 1/140).
@Suite(.enabled(if: ExportPython.hasTorch,
                "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct MuonTorchTests {
    static let shapes = [[300, 260], [260, 530]]
    static let steps = 2

    /// Per shape: the initial parameter, the gradients and torch's parameter after the steps,
    /// as float bit patterns.
    static let script = """
        import json, sys, torch
        gen = torch.Generator().manual_seed(11)
        bits = lambda t: t.flatten().view(torch.int32).tolist()
        out = []
        for shape in json.loads(sys.argv[1]):
            init = torch.randn(shape, generator=gen) * 0.1
            grads = [torch.randn(shape, generator=gen) * 0.01 for _ in range(int(sys.argv[2]))]
            param = torch.nn.Parameter(init.clone())
            opt = torch.optim.Muon([param], lr=0.02)
            for grad in grads:
                param.grad = grad.clone()
                opt.step()
            out.append({"init": bits(init), "grads": [bits(g) for g in grads], "final": bits(param.detach())})
        print(json.dumps(out))
        """

    struct Case: Decodable {
        let initial: [Int32], grads: [[Int32]], final: [Int32]
        enum CodingKeys: String, CodingKey { case initial = "init", grads, final }
    }

    @Test func largeMatricesMatchTorch() throws {
        let shapes = String(decoding: try JSONSerialization.data(withJSONObject: Self.shapes), as: UTF8.self)
        let result = try ExportPython.python(["-c", Self.script, shapes, String(Self.steps)],
                                             in: NSTemporaryDirectory(), timeout: 120)
        try #require(result.status == 0, "\(result.stderr)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(result.stdout.utf8))
        try #require(cases.count == Self.shapes.count)
        func floats(_ bits: [Int32]) -> [Float] { bits.map { Float(bitPattern: UInt32(bitPattern: $0)) } }
        for (shape, torchCase) in zip(Self.shapes, cases) {
            let initial = floats(torchCase.initial)
            let value = Tensor(shape: shape, values: initial)
            let grad = Tensor(zeros: shape)
            let optimizer = Optimizer(kind: .muon, groups: [ParamGroup(
                config: ParamGroupConfig(kind: .muon, learningRate: 0.02),
                parameters: [OptimizerParameter(value: value, grad: grad)])])
            for step in torchCase.grads {
                for (i, x) in floats(step).enumerated() { grad.data[i] = x }
                optimizer.step()
            }
            let expected = floats(torchCase.final)
            let moved = zip(expected, initial).map { abs($0 - $1) }.max() ?? 0
            let apart = zip(value.values, expected).map { abs($0 - $1) }.max() ?? 0
            #expect(moved > 0)
            #expect(apart <= moved / 64, "\(shape): apart \(apart), torch moved \(moved)")
        }
    }
}
