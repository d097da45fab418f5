import Foundation
import LRSOptim
import LRSRuntime
import Testing
import TestSupport

/// Adafactor's factored step against torch.optim.Adafactor itself, bit for bit, on matrices
/// too tall for a committed fixture: the mean of the row factors takes torch's cascaded vector
/// sum from 512 rows on (600 and 2 x 520 rows), and a single column's norm is a contiguous
/// norm (1000 x 1). The 7 x 5 matrix takes the four accumulators of a short sum.
@Suite(.enabled(if: ExportPython.hasTorch,
                "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct AdafactorTorchSumTests {
    static let shapes = [[600, 3], [1000, 1], [2, 520, 2], [7, 5]]
    static let steps = 3

    /// Per shape: the initial parameter, the gradients and torch's parameter after the steps,
    /// as float bit patterns.
    static let script = """
        import json, sys, torch
        gen = torch.Generator().manual_seed(7)
        bits = lambda t: t.flatten().view(torch.int32).tolist()
        out = []
        for shape in json.loads(sys.argv[1]):
            init = torch.randn(shape, generator=gen)
            grads = [torch.randn(shape, generator=gen) for _ in range(int(sys.argv[2]))]
            param = torch.nn.Parameter(init.clone())
            opt = torch.optim.Adafactor([param], lr=0.02, foreach=False)
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

    @Test func tallMatricesMatchTorch() throws {
        let shapes = String(decoding: try JSONSerialization.data(withJSONObject: Self.shapes), as: UTF8.self)
        let result = try ExportPython.python(["-c", Self.script, shapes, String(Self.steps)],
                                             in: NSTemporaryDirectory(), timeout: 120)
        try #require(result.status == 0, "\(result.stderr)")
        let cases = try JSONDecoder().decode([Case].self, from: Data(result.stdout.utf8))
        try #require(cases.count == Self.shapes.count)
        func floats(_ bits: [Int32]) -> [Float] { bits.map { Float(bitPattern: UInt32(bitPattern: $0)) } }
        for (shape, torchCase) in zip(Self.shapes, cases) {
            let value = Tensor(shape: shape, values: floats(torchCase.initial))
            let grad = Tensor(zeros: shape)
            let optimizer = Optimizer(kind: .adafactor, groups: [ParamGroup(
                config: ParamGroupConfig(kind: .adafactor, learningRate: 0.02),
                parameters: [OptimizerParameter(value: value, grad: grad)])])
            for step in torchCase.grads {
                for (i, x) in floats(step).enumerated() { grad.data[i] = x }
                optimizer.step()
            }
            let mismatches = zip(value.values, floats(torchCase.final)).filter { $0.bitPattern != $1.bitPattern }
            #expect(mismatches.isEmpty, "\(shape): \(mismatches.count) of \(value.count) elements differ from torch")
        }
    }
}
