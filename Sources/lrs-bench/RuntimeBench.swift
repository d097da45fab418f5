// The runtime benchmarks: the seed-1 CNN and an MLP, forward, forward+backward and full
// training step, on release builds. bench/runtime.py runs the same workloads in PyTorch and
// prints both side by side. The optimizer updates here are plain fused loops (Adam, SGD with
// momentum) written inline, standing in for LRSOptim until the lead swaps it in.
import Foundation
import LRSRuntime

/// The runtime benchmarks (forward, backward, training steps). Prints `name value` lines.
func runRuntimeBench(_ args: [String]) {
    var iterations = 200, warmup = 20
    var only: String?
    var index = 0
    while index + 1 < args.count {
        if args[index] == "--only" { only = args[index + 1] }
        if args[index] == "--iterations", let n = Int(args[index + 1]), n > 0 { iterations = n }
        if args[index] == "--warmup", let n = Int(args[index + 1]), n >= 0 { warmup = n }
        index += 2
    }
    let baseline = peakResidentMB()
    print("# blas core \(RuntimeInfo.blasCore)")
    if only == nil || only == "cnn" {
        let cnn = RuntimeWorkload.seedOneCNN()
        cnn.report(name: "cnn", iterations: iterations, warmup: warmup)
        print("runtime.cnn.peak_rss_mb \(format(peakResidentMB()))")
        print("runtime.cnn.rss_before_mb \(format(baseline))")
    }
    if only == nil || only == "mlp" {
        let mlp = RuntimeWorkload.mlp()
        mlp.report(name: "mlp", iterations: iterations, warmup: warmup)
    }
}

/// One model, its batch, and its optimizer update.
final class RuntimeWorkload {
    let model: Sequential
    let input: Tensor
    let labels: [Int]
    let update: (Int) -> Void

    init(model: Sequential, input: Tensor, labels: [Int], update: @escaping (Int) -> Void) {
        self.model = model
        self.input = input
        self.labels = labels
        self.update = update
    }

    /// Seed 1: conv 3 16 3; relu; linear 10816 10, batch 64 of 3x28x28, Adam with conv lr
    /// 0.01 and linear lr 0.001.
    static func seedOneCNN() -> RuntimeWorkload {
        let generator = RandomGenerator(seed: 1)
        let model = Sequential(layers: [("0", .conv(in: 3, out: 16, kernel: 3)), ("1", .relu),
                                        ("2", .linear(in: 10816, out: 10))],
                               inputShape: [3, 28, 28], generator: generator, maxBatchSize: 64)
        let input = Tensor(zeros: [64, 3, 28, 28])
        generator.fillUniform(input, from: 0, to: 1)
        let labels = (0..<64).map { $0 % 10 }
        let params = model.parameters.map(\.parameter)
        let rates = [0.01, 0.01, 0.001, 0.001]
        let adam = zip(params, rates).map { InlineAdam(parameter: $0, learningRate: $1) }
        return RuntimeWorkload(model: model, input: input, labels: labels) { step in
            for a in adam { a.step(step) }
        }
    }

    /// MLP 784-256-256-10 with relu, batch 128, SGD lr 0.01 momentum 0.9.
    static func mlp() -> RuntimeWorkload {
        let generator = RandomGenerator(seed: 2)
        let model = Sequential(layers: [("0", .linear(in: 784, out: 256)), ("1", .relu),
                                        ("2", .linear(in: 256, out: 256)), ("3", .relu),
                                        ("4", .linear(in: 256, out: 10))],
                               inputShape: [784], generator: generator, maxBatchSize: 128)
        let input = Tensor(zeros: [128, 784])
        generator.fillUniform(input, from: 0, to: 1)
        let labels = (0..<128).map { $0 % 10 }
        let sgd = model.parameters.map { InlineSGD(parameter: $0.parameter, learningRate: 0.01, momentum: 0.9) }
        return RuntimeWorkload(model: model, input: input, labels: labels) { step in
            for s in sgd { s.step(step) }
        }
    }

    @discardableResult
    func forward() -> Float {
        let y = model.forward(input)
        let g = model.outputGradient(batch: labels.count)
        return (try? Losses.crossEntropy(logits: y, labels: labels, gradient: g)) ?? .nan
    }

    func forwardBackward() {
        model.zeroGrad()
        forward()
        model.backward(model.outputGradient(batch: labels.count))
    }

    func report(name: String, iterations: Int, warmup: Int) {
        var step = 0
        let phases: [(String, () -> Void)] = [
            ("forward_ms", { self.forward() }),
            ("forward_backward_ms", { self.forwardBackward() }),
            ("step_ms", {
                self.forwardBackward()
                step += 1
                self.update(step)
            }),
        ]
        for (phase, body) in phases {
            for _ in 0..<warmup { body() }
            var times: [Double] = []
            times.reserveCapacity(iterations)
            for _ in 0..<iterations {
                let start = DispatchTime.now().uptimeNanoseconds
                body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            times.sort()
            print("runtime.\(name).\(phase) \(format(times[times.count / 2]))")
        }
    }
}

/// torch.optim.Adam's update for one parameter (defaults betas 0.9, 0.999, eps 1e-8):
/// m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
/// p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
final class InlineAdam {
    let parameter: Parameter
    let learningRate: Double
    let m: Tensor
    let v: Tensor

    init(parameter: Parameter, learningRate: Double) {
        self.parameter = parameter
        self.learningRate = learningRate
        m = Tensor(zeros: parameter.shape)
        v = Tensor(zeros: parameter.shape)
    }

    func step(_ t: Int) {
        let b1 = 0.9, b2 = 0.999
        let correction1 = 1 - pow(b1, Double(t)), correction2Sqrt = (1 - pow(b2, Double(t))).squareRoot()
        let stepSize = Float(learningRate / correction1), invCorrection2 = Float(1 / correction2Sqrt)
        let count = parameter.value.count
        let ptrs = UnsafeSendable((p: parameter.value.data, g: parameter.grad.data, m: m.data, v: v.data))
        let fb1 = Float(b1), fb2 = Float(b2), eps: Float = 1e-8
        // Large tensors are updated in two halves concurrently (as a fused kernel would).
        ParallelFor.run(count: count, workPerItem: 8) { _, range in
            let (p, g, m, v) = ptrs.value
            for i in range {
                m[i] = fb1 * m[i] + (1 - fb1) * g[i]
                v[i] = fb2 * v[i] + (1 - fb2) * g[i] * g[i]
                p[i] -= stepSize * m[i] / (v[i].squareRoot() * invCorrection2 + eps)
            }
        }
    }
}

/// torch.optim.SGD with momentum: b = mu b + g (b = g on the first step);  p -= lr b
final class InlineSGD {
    let parameter: Parameter
    let learningRate: Float
    let momentum: Float
    let buffer: Tensor

    init(parameter: Parameter, learningRate: Float, momentum: Float) {
        self.parameter = parameter
        self.learningRate = learningRate
        self.momentum = momentum
        buffer = Tensor(zeros: parameter.shape)
    }

    func step(_ t: Int) {
        let count = parameter.value.count, lr = learningRate
        let ptrs = UnsafeSendable((p: parameter.value.data, g: parameter.grad.data, b: buffer.data))
        let mu: Float = t == 1 ? 0 : momentum
        ParallelFor.run(count: count, workPerItem: 4) { _, range in
            let (p, g, b) = ptrs.value
            for i in range {
                b[i] = mu * b[i] + g[i]
                p[i] -= lr * b[i]
            }
        }
    }
}

/// Raw pointers handed to the two halves of an update, which touch disjoint elements.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Peak resident set size of this process so far, in MiB.
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

private func format(_ value: Double) -> String { String(format: "%.4f", value) }
