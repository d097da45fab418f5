import CKernelDispatch
import Dispatch
import Foundation
import LRSHyperparameters
import LRSOptim
import LRSRuntime

/// The optimizer benchmarks: time per `step()` of each kind over 10 M parameters laid out as
/// 10 tensors of 1 M and as 1000 tensors of 10 k, and a streaming triad for the memory
/// bandwidth of this run. Prints one tab-separated line per measurement,
/// `optim <name> <layout> <elements> <milliseconds per step>`, which bench/optim.py puts
/// beside PyTorch's figures. `lrs-bench optim [--kinds adam,sgd,...|all] [--steps N] [--layout TENSORSxSIZE]`.
/// `adafactor_factored` lays each tensor out as a square matrix (1000 x 1000, 100 x 100), so
/// its second moments are factored; `muon` runs on its own layout, 10 matrices of 1024 x 1024
/// (`muon` is not in `all`: a step takes seconds). `--cpu-time`: the kinds' steps in the
/// process's CPU milliseconds instead of wall time, which other jobs on a loaded machine
/// move less (with `LRS_THREADS=1`, so that no core waits on another).
func runOptimizerBench(_ args: [String]) {
    var kinds: [String] = ["adam", "sgd_momentum"]
    var cpuTime = false
    var steps = 30
    var layouts = [(name: "10x1M", tensors: 10, size: 1_000_000), (name: "1000x10k", tensors: 1000, size: 10_000)]
    var index = 0
    while index < args.count {
        let value = index + 1 < args.count ? args[index + 1] : ""
        switch args[index] {
        case "--cpu-time":
            cpuTime = true
            index += 1
            continue
        case "--kinds": kinds = value == "all" ? OptimizerBenchCase.allNames : value.split(separator: ",").map(String.init)
        case "--steps": steps = max(1, Int(value) ?? steps)
        case "--layout":
            // TENSORSxSIZE, e.g. 100000x100.
            let parts = value.split(separator: "x").compactMap { Int($0) }
            if parts.count == 2, parts[0] > 0, parts[1] > 0 { layouts = [(value, parts[0], parts[1])] }
        default: break
        }
        index += 2
    }
    // The instruction set the optimizers' loops run with here: "avx512", "avx2" or "baseline".
    print("optim\tkernels\t\(String(cString: lrs_kernel_isa()))\t0\t0")
    print("optim\ttriad\t-\t10000000\t\(String(format: "%.4f", triadMilliseconds(count: 10_000_000, repeats: steps)))")
    for layout in layouts where kinds.contains("finite_check") {
        let ms = finiteCheckMilliseconds(tensors: layout.tensors, size: layout.size, steps: steps)
        print("optim\tfinite_check\t\(layout.name)\t\(layout.tensors * layout.size)\t\(String(format: "%.4f", ms))")
    }
    for layout in layouts where kinds.contains("clip") {
        runClipBench(tensors: layout.tensors, size: layout.size, layout: layout.name, steps: steps)
    }
    for name in kinds where name == "muon" {
        let ms = muonMilliseconds(matrices: 10, side: 1024, steps: min(steps, 5))
        print("optim\tmuon\t10x1024x1024\t\(10 * 1024 * 1024)\t\(String(format: "%.4f", ms))")
    }
    for name in kinds where name != "finite_check" && name != "muon" && name != "clip" {
        guard let benchCase = OptimizerBenchCase(name: name) else {
            print("optim: unknown kind \(name)")
            continue
        }
        for layout in layouts {
            let ms = benchCase.millisecondsPerStep(tensors: layout.tensors, size: layout.size, steps: steps,
                                                   cpuTime: cpuTime)
            print("optim\t\(name)\t\(layout.name)\t\(layout.tensors * layout.size)\t\(String(format: "%.4f", ms))")
        }
    }
}

/// One optimizer configuration to time.
private struct OptimizerBenchCase {
    var config: ParamGroupConfig
    /// Each tensor as a square matrix rather than a vector.
    var square = false

    static let allNames = ["finite_check", "adam", "adamw", "sgd_momentum", "sgd", "rmsprop", "adagrad", "adadelta",
                           "adamax", "nadam", "radam", "adam_amsgrad", "rmsprop_centered", "asgd", "rprop",
                           "adafactor", "adafactor_factored"]

    init?(name: String) {
        switch name {
        case "sgd_momentum":
            config = ParamGroupConfig(kind: .sgd, learningRate: 1e-3)
            config.momentum = 0.9
        case "adam_amsgrad":
            config = ParamGroupConfig(kind: .adam, learningRate: 1e-3)
            config.amsgrad = true
        case "rmsprop_centered":
            config = ParamGroupConfig(kind: .rmsprop, learningRate: 1e-3)
            config.centered = true
            config.momentum = 0.9
        case "adafactor_factored":
            config = ParamGroupConfig(kind: .adafactor, learningRate: 1e-2)
            square = true
        default:
            guard let kind = OptimizerKind(rawValue: name) else { return nil }
            config = ParamGroupConfig(kind: kind, learningRate: 1e-3)
        }
    }

    /// Median milliseconds per step over `steps` steps, after warm-up steps that create the state.
    func millisecondsPerStep(tensors: Int, size: Int, steps: Int, cpuTime: Bool) -> Double {
        let side = Int(Double(size).squareRoot())
        let shape = square && side * side == size ? [side, side] : [size]
        let parameters = (0..<tensors).map { t in
            let value = Tensor(zeros: shape), grad = Tensor(zeros: shape)
            for i in 0..<size {
                value.data[i] = Float((i &* 7919 &+ t) % 1000) * 1e-3 - 0.5
                grad.data[i] = Float((i &* 104_729 &+ t) % 997) * 1e-4 - 0.05
            }
            return OptimizerParameter(value: value, grad: grad)
        }
        let optimizer = Optimizer(kind: config.kind, groups: [ParamGroup(config: config, parameters: parameters)])
        for _ in 0..<3 { optimizer.step() }
        var times: [Double] = []
        for _ in 0..<steps {
            let start = cpuTime ? processCPUNanoseconds() : DispatchTime.now().uptimeNanoseconds
            optimizer.step()
            let end = cpuTime ? processCPUNanoseconds() : DispatchTime.now().uptimeNanoseconds
            times.append(Double(end - start) / 1e6)
        }
        return times.sorted()[times.count / 2]
    }
}

/// Median milliseconds of a Muon step (torch's defaults, lr 0.02) over `matrices` square matrices.
private func muonMilliseconds(matrices: Int, side: Int, steps: Int) -> Double {
    let parameters = (0..<matrices).map { t in
        let value = Tensor(zeros: [side, side]), grad = Tensor(zeros: [side, side])
        for i in 0..<(side * side) {
            value.data[i] = Float((i &* 7919 &+ t) % 1000) * 1e-3 - 0.5
            grad.data[i] = Float((i &* 104_729 &+ t) % 997) * 1e-4 - 0.05
        }
        return OptimizerParameter(value: value, grad: grad)
    }
    let config = ParamGroupConfig(kind: .muon, learningRate: 0.02)
    let optimizer = Optimizer(kind: .muon, groups: [ParamGroup(config: config, parameters: parameters)])
    optimizer.step()
    var times: [Double] = []
    for _ in 0..<steps {
        let start = DispatchTime.now().uptimeNanoseconds
        optimizer.step()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[times.count / 2]
}

/// Median milliseconds of `firstNonFiniteGradient()` over finite gradients: 4 bytes per element.
private func finiteCheckMilliseconds(tensors: Int, size: Int, steps: Int) -> Double {
    let parameters = (0..<tensors).map { _ in
        let grad = Tensor(zeros: [size])
        grad.fill(0.25)
        return OptimizerParameter(value: Tensor(zeros: [size]), grad: grad)
    }
    let config = ParamGroupConfig(kind: .sgd, learningRate: 1e-3)
    let optimizer = Optimizer(kind: .sgd, groups: [ParamGroup(config: config, parameters: parameters)])
    var times: [Double] = []
    for _ in 0..<(steps + 3) {
        let start = DispatchTime.now().uptimeNanoseconds
        precondition(optimizer.firstNonFiniteGradient() == nil)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.dropFirst(3).sorted()[steps / 2]
}

/// Median milliseconds of the streaming triad a = b + s c over `count` floats on all cores:
/// 12 bytes per element. Cut into a few chunks per core, as the optimizer's work is, so a
/// core busy with other work does not hold up the whole pass.
private func triadMilliseconds(count: Int, repeats: Int) -> Double {
    // Staggered starts: arrays that begin at the same offset within a page make loads wait
    // on unrelated stores (4 KiB aliasing), which measures the core, not the memory.
    let a = Tensor(zeros: [count + 512]), b = Tensor(zeros: [count + 512]), c = Tensor(zeros: [count + 512])
    b.fill(1)
    c.fill(2)
    let chunks = 4 * max(1, ProcessInfo.processInfo.activeProcessorCount)
    let pointers = TriadPointers(a: a.data, b: b.data + 160, c: c.data + 320)
    let scale: Float = 3
    var times: [Double] = []
    for _ in 0..<(repeats + 3) {
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let lower = count / chunks * chunk, upper = chunk == chunks - 1 ? count : count / chunks * (chunk + 1)
            let a = pointers.a, b = pointers.b, c = pointers.c
            for i in lower..<upper { a[i] = b[i] + scale * c[i] }
        }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    withExtendedLifetime((a, b, c)) {}
    return times.dropFirst(3).sorted()[repeats / 2]
}

private struct TriadPointers: @unchecked Sendable {
    let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>
}
