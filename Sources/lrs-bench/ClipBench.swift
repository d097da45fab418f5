import Dispatch
import LRSOptim
import LRSRuntime

/// Gradient clipping beside the step it precedes (`lrs-bench optim --kinds clip`): the median
/// milliseconds of an Adam step alone, of clip_grad_norm_'s norm alone, of the step after a
/// clip whose coefficient is 1 (the norms only: one read of the gradients), and after a clip
/// that scales (the norms, then one more pass over the gradients). One line each:
/// `optim adam|clip_norm|adam+clip|adam+clip_scaling <layout> <elements> <ms>`.
func runClipBench(tensors: Int, size: Int, layout: String, steps: Int) {
    let parameters = (0..<tensors).map { t in
        let value = Tensor(zeros: [size]), grad = Tensor(zeros: [size])
        for i in 0..<size {
            value.data[i] = Float((i &* 7919 &+ t) % 1000) * 1e-3 - 0.5
            grad.data[i] = Float((i &* 104_729 &+ t) % 997) * 1e-4 - 0.05
        }
        return OptimizerParameter(value: value, grad: grad)
    }
    let grads = parameters.compactMap(\.grad)
    let optimizer = Optimizer(kind: .adam, groups: [ParamGroup(config: ParamGroupConfig(kind: .adam, learningRate: 1e-3),
                                                               parameters: parameters)])
    let norm = Double(GradientClipping.clip(grads, maxNorm: .greatestFiniteMagnitude))
    // Just under the norm: every step scales (by about 0.9999, so the gradients stay normal
    // floats over the run).
    let scaling = norm * 0.9999
    func median(_ body: () -> Void) -> Double {
        for _ in 0..<3 { body() }
        var times: [Double] = []
        for _ in 0..<steps {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return times.sorted()[times.count / 2]
    }
    let rows: [(String, () -> Void)] = [
        ("adam", { optimizer.step() }),
        ("clip_norm", { GradientClipping.clip(grads, maxNorm: .greatestFiniteMagnitude) }),
        ("adam+clip", {
            GradientClipping.clip(grads, maxNorm: .greatestFiniteMagnitude)
            optimizer.step()
        }),
        ("adam+clip_scaling", {
            GradientClipping.clip(grads, maxNorm: scaling)
            optimizer.step()
        }),
    ]
    for (name, body) in rows {
        print("optim\t\(name)\t\(layout)\t\(tensors * size)\t\(String(format: "%.4f", median(body)))")
    }
}
