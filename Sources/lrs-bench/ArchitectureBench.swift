// The architecture benchmarks of issue 16: a training step of a small GPT and of a small
// ResNet, and the attention layer's forward and backward alone, on release builds.
// bench/arch.py runs the same workloads in PyTorch, alternating with this one, and prints
// the ratios. Each workload runs in its own process (`--only`), so its peak memory is its own.
import Foundation
import LRSLayers
import LRSOptim
import LRSRuntime

/// `lrs-bench arch --only gpt|resnet|attention [--iterations N] [--warmup W]`: prints
/// `arch.NAME.PHASE value` lines (milliseconds, MiB).
func runArchitectureBench(_ args: [String]) {
    let options = WorkloadOptions(args, iterations: 50, warmup: 5)
    let only = options.only ?? "gpt", iterations = options.iterations, warmup = options.warmup
    let baseline = peakResidentMB()
    print("# blas core \(RuntimeInfo.blasCore)")
    switch only {
    case "gpt":
        RuntimeWorkload.gpt().report("arch", name: "gpt", iterations: iterations, warmup: warmup, cpuTime: true)
    case "resnet":
        RuntimeWorkload.resnet().report("arch", name: "resnet", iterations: iterations, warmup: warmup, cpuTime: true)
    case "attention":
        attentionReport(iterations: iterations, warmup: warmup)
    default:
        print("unknown workload \(only): gpt, resnet or attention")
        exit(2)
    }
    print("arch.\(only).peak_rss_mb \(formatMeasure(peakResidentMB()))")
    print("arch.\(only).rss_before_mb \(formatMeasure(baseline))")
}

/// The GPT's attention layer alone ([32, 64, 128], 4 heads, causal): forward, and backward
/// to the input and the parameters, timed apart.
private func attentionReport(iterations: Int, warmup: Int) {
    let generator = RandomGenerator(seed: 3)
    let model = Sequential(layers: [("attn", .attention(dim: 128, heads: 4, causal: true))],
                           inputShape: [64, 128], generator: generator, maxBatchSize: 32)
    let x = Tensor(zeros: [32, 64, 128])
    generator.fillNormal(x)
    let dy = model.outputGradient(batch: 32)
    generator.fillNormal(dy)
    let dyCopy = dy.copy()
    timePhase("arch.attention.forward_ms", iterations: iterations, warmup: warmup, cpuTime: true) { _ = model.forward(x) }
    _ = model.forward(x)
    timePhase("arch.attention.backward_ms", iterations: iterations, warmup: warmup, cpuTime: true) {
        dy.data.update(from: dyCopy.data, count: dy.count)
        _ = model.backward(dy, computeInputGradient: true)
    }
}

/// Issue 16's architectures, as workloads of the runtime benchmark.
extension RuntimeWorkload {
    /// embed, pos, 4 pre-norm blocks (width 128, 4 heads, causal, MLP 512 with gelu), ln_f,
    /// head; context 64, batch 32, vocabulary 256; AdamW lr 3e-4, weight decay 0.1.
    static func gpt() -> RuntimeWorkload {
        let width = 128, context = 64, batch = 32, vocabulary = 256
        let block: [NamedLayer] = [
            NamedLayer("0", .residual(body: [NamedLayer("ln1", .layernorm(features: width)),
                                             NamedLayer("attn", .attention(dim: width, heads: 4, causal: true))])),
            NamedLayer("1", .residual(body: [NamedLayer("ln2", .layernorm(features: width)),
                                             NamedLayer("fc", .linear(in: width, out: 4 * width)),
                                             NamedLayer("2", .gelu),
                                             NamedLayer("proj", .linear(in: 4 * width, out: width))])),
        ]
        let generator = RandomGenerator(seed: 1)
        let model = Sequential(layers: [("embed", .embedding(count: vocabulary, dim: width)),
                                        ("pos", .posembed(length: context, dim: width)),
                                        ("blocks", .repeat(count: 4, body: block)),
                                        ("ln_f", .layernorm(features: width)),
                                        ("head", .linear(in: width, out: vocabulary))],
                               inputShape: [context], generator: generator, maxBatchSize: batch)
        let ids = Tensor(zeros: [batch, context])
        for i in 0..<ids.count { ids.data[i] = Float(generator.nextUInt32() % UInt32(vocabulary)) }
        let labels = (0..<(batch * context)).map { _ in Int(generator.nextUInt32() % UInt32(vocabulary)) }
        let adamw = optimizer(model, kind: .adamw, rates: Array(repeating: 3e-4, count: model.parameters.count)) {
            $0.weightDecay = 0.1
        }
        return RuntimeWorkload(model: model, input: ids, labels: labels, optimizer: adamw)
    }

    /// A CIFAR-style ResNet: conv 3 16 + bn + relu, then three stages of one basic block
    /// (16, 32 strided with a conv+bn shortcut, 64 strided with a conv+bn shortcut), global
    /// average pool, linear 64 10; batch 64 of 3x32x32; SGD lr 0.1 momentum 0.9.
    static func resnet() -> RuntimeWorkload {
        func block(_ inChannels: Int, _ outChannels: Int, stride: Int) -> [NamedLayer] {
            let body: [NamedLayer] = [
                NamedLayer("conv1", .conv(in: inChannels, out: outChannels, kernel: 3, stride: stride, padding: 1, bias: false)),
                NamedLayer("bn1", .batchnorm(channels: outChannels)),
                NamedLayer("relu", .relu),
                NamedLayer("conv2", .conv(in: outChannels, out: outChannels, kernel: 3, stride: 1, padding: 1, bias: false)),
                NamedLayer("bn2", .batchnorm(channels: outChannels)),
            ]
            let shortcut: [NamedLayer]? = stride == 1 && inChannels == outChannels ? nil : [
                NamedLayer("0", .conv(in: inChannels, out: outChannels, kernel: 1, stride: stride, padding: 0, bias: false)),
                NamedLayer("1", .batchnorm(channels: outChannels)),
            ]
            return [NamedLayer("0", .residual(body: body, shortcut: shortcut)), NamedLayer("1", .relu)]
        }
        let generator = RandomGenerator(seed: 1)
        let model = Sequential(layers: [("stem", .conv(in: 3, out: 16, kernel: 3, stride: 1, padding: 1, bias: false)),
                                        ("bn", .batchnorm(channels: 16)),
                                        ("relu", .relu),
                                        ("layer1", .sequence(block(16, 16, stride: 1))),
                                        ("layer2", .sequence(block(16, 32, stride: 2))),
                                        ("layer3", .sequence(block(32, 64, stride: 2))),
                                        ("pool", .globalAvgPool),
                                        ("fc", .linear(in: 64, out: 10))],
                               inputShape: [3, 32, 32], generator: generator, maxBatchSize: 64)
        let input = Tensor(zeros: [64, 3, 32, 32])
        generator.fillNormal(input)
        let labels = (0..<64).map { $0 % 10 }
        let sgd = optimizer(model, kind: .sgd, rates: Array(repeating: 0.1, count: model.parameters.count)) {
            $0.momentum = 0.9
        }
        return RuntimeWorkload(model: model, input: input, labels: labels, optimizer: sgd)
    }
}

