import Foundation
import LRSOptim
import LRSRuntime
import TestSupport

/// One torch optimizer's steps on random parameters too large for a committed fixture, run
/// in a fresh Python, and the same steps by lrs's optimizer from the same values.
struct TorchOptimizerSteps {
    /// A parameter before the steps, and after them by lrs and by torch.
    struct Run {
        let shape: [Int]
        let initial: [Float]
        let lrs: [Float]
        let torch: [Float]
    }

    /// torch's side as float bit patterns: `torch.randn` parameters times `initScale` and
    /// gradients times `gradScale`, from `seed`; `optimizer` builds torch's optimizer over
    /// `[param]`.
    static func script(optimizer: String, seed: Int, initScale: Double, gradScale: Double) -> String {
        """
        import json, sys, torch
        gen = torch.Generator().manual_seed(\(seed))
        bits = lambda t: t.flatten().view(torch.int32).tolist()
        out = []
        for shape in json.loads(sys.argv[1]):
            init = torch.randn(shape, generator=gen) * \(initScale)
            grads = [torch.randn(shape, generator=gen) * \(gradScale) for _ in range(int(sys.argv[2]))]
            param = torch.nn.Parameter(init.clone())
            opt = \(optimizer)
            for grad in grads:
                param.grad = grad.clone()
                opt.step()
            out.append({"init": bits(init), "grads": [bits(g) for g in grads], "final": bits(param.detach())})
        print(json.dumps(out))
        """
    }

    private struct Case: Decodable {
        let initial: [Int32], grads: [[Int32]], final: [Int32]
        enum CodingKeys: String, CodingKey { case initial = "init", grads, final }
    }

    /// Runs torch's `optimizer` (see `script`) and lrs's `config` for `steps` steps on each
    /// of `shapes`.
    static func run(shapes: [[Int]], steps: Int, optimizer: String, seed: Int, initScale: Double = 1,
                    gradScale: Double = 1, lrs config: ParamGroupConfig) throws -> [Run] {
        let program = script(optimizer: optimizer, seed: seed, initScale: initScale, gradScale: gradScale)
        let shapeText = String(decoding: try JSONSerialization.data(withJSONObject: shapes), as: UTF8.self)
        let result = try ExportPython.python(["-c", program, shapeText, String(steps)], in: NSTemporaryDirectory(), timeout: 120)
        guard result.status == 0 else { throw Failure(message: result.stderr) }
        let cases = try JSONDecoder().decode([Case].self, from: Data(result.stdout.utf8))
        guard cases.count == shapes.count else { throw Failure(message: "\(cases.count) cases for \(shapes.count) shapes") }
        func floats(_ bits: [Int32]) -> [Float] { bits.map { Float(bitPattern: UInt32(bitPattern: $0)) } }
        return zip(shapes, cases).map { shape, torchCase in
            let initial = floats(torchCase.initial)
            let value = Tensor(shape: shape, values: initial)
            let grad = Tensor(zeros: shape)
            let optimizer = Optimizer(kind: config.kind, groups: [ParamGroup(
                config: config, parameters: [OptimizerParameter(value: value, grad: grad)])])
            for step in torchCase.grads {
                for (i, x) in floats(step).enumerated() { grad.data[i] = x }
                optimizer.step()
            }
            return Run(shape: shape, initial: initial, lrs: value.values, torch: floats(torchCase.final))
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { "torch's steps failed: \(message)" }
    }
}
