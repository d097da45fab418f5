// The runtime benchmarks: the seed-1 CNN and an MLP, forward, forward+backward and full
// training step, on release builds. bench/runtime.py runs the same workloads in PyTorch and
// prints both side by side. The step is the one `lrs run` takes: LRSOptim's optimizer,
// after its check for non-finite gradients.
import Foundation
import LRSHyperparameters
import LRSOptim
import LRSRuntime

/// The runtime benchmarks (forward, backward, training steps). Prints `name value` lines.
func runRuntimeBench(_ args: [String]) {
    let options = WorkloadOptions(args, iterations: 200, warmup: 20)
    let only = options.only, iterations = options.iterations, warmup = options.warmup
    let baseline = peakResidentMB()
    print("# blas core \(RuntimeInfo.blasCore)")
    if only == nil || only == "cnn" {
        let cnn = RuntimeWorkload.seedOneCNN()
        cnn.report("runtime", name: "cnn", iterations: iterations, warmup: warmup)
        print("runtime.cnn.peak_rss_mb \(formatMeasure(peakResidentMB()))")
        print("runtime.cnn.rss_before_mb \(formatMeasure(baseline))")
    }
    if only == nil || only == "mlp" {
        let mlp = RuntimeWorkload.mlp()
        mlp.report("runtime", name: "mlp", iterations: iterations, warmup: warmup)
    }
}

/// One model, its batch, and its optimizer update.
final class RuntimeWorkload {
    let model: Sequential
    let input: Tensor
    let labels: [Int]
    let optimizer: Optimizer

    init(model: Sequential, input: Tensor, labels: [Int], optimizer: Optimizer) {
        self.model = model
        self.input = input
        self.labels = labels
        self.optimizer = optimizer
    }

    /// One parameter group per learning rate, over the model's parameters in order.
    static func optimizer(_ model: Sequential, kind: OptimizerKind, rates: [Double],
                          configure: (inout ParamGroupConfig) -> Void = { _ in }) -> Optimizer {
        var groups: [ParamGroup] = []
        for (parameter, rate) in zip(model.parameters.map(\.parameter), rates) {
            let member = OptimizerParameter(value: parameter.value, grad: parameter.grad)
            if let last = groups.indices.last, groups[last].config.learningRate == rate {
                groups[last].parameters.append(member)
            } else {
                var config = ParamGroupConfig(kind: kind, learningRate: rate)
                configure(&config)
                groups.append(ParamGroup(config: config, parameters: [member]))
            }
        }
        return Optimizer(kind: kind, groups: groups)
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
        let adam = optimizer(model, kind: .adam, rates: [0.01, 0.01, 0.001, 0.001])
        return RuntimeWorkload(model: model, input: input, labels: labels, optimizer: adam)
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
        let sgd = optimizer(model, kind: .sgd, rates: Array(repeating: 0.01, count: model.parameters.count)) {
            $0.momentum = 0.9
        }
        return RuntimeWorkload(model: model, input: input, labels: labels, optimizer: sgd)
    }

    @discardableResult
    func forward() -> Float {
        // The batch is the input's first dimension: a sequence model has a label per position.
        let y = model.forward(input)
        let g = model.outputGradient(batch: input.shape[0])
        return (try? Losses.crossEntropy(logits: y, labels: labels, gradient: g)) ?? .nan
    }

    func forwardBackward() {
        model.zeroGrad()
        forward()
        model.backward(model.outputGradient(batch: input.shape[0]))
    }

    /// forward (+ loss), forward_backward and the whole step, as `PREFIX.NAME.PHASE_ms`
    /// lines (with `_cpu_ms` lines too when `cpuTime`); then the loss after the steps taken,
    /// so a broken step shows.
    func report(_ prefix: String, name: String, iterations: Int, warmup: Int, cpuTime: Bool = false) {
        let phases: [(String, () -> Void)] = [
            ("forward_ms", { self.forward() }),
            ("forward_backward_ms", { self.forwardBackward() }),
            ("step_ms", {
                self.forwardBackward()
                precondition(self.optimizer.firstNonFiniteGradient() == nil)
                self.optimizer.step()
            }),
        ]
        for (phase, body) in phases {
            timePhase("\(prefix).\(name).\(phase)", iterations: iterations, warmup: warmup, cpuTime: cpuTime, body)
        }
        print("# \(name) loss after \(iterations + warmup) steps \(forward())")
    }
}

/// Peak resident set size of this process so far, in MiB.
func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

