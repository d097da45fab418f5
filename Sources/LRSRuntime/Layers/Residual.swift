import CRuntimeKernels
import LRSLayers

/// `body(x) + x`, or `body(x) + shortcut(x)`, the body run first (as a PyTorch forward that
/// writes `self.body(x) + self.shortcut(x)`, which matters for the order of dropout draws).
/// Parameters: the body's under the body items' own names, the shortcut's under `shortcut.`;
/// the body is built (and initialised) before the shortcut.
final class Residual: Container {
    let body: Chain
    let shortcut: Chain?
    private let output: BatchBuffer
    private let inputGrad: BatchBuffer
    private let outputShape: [Int]
    /// The output gradient masked by a fused relu, made on first use (one per residual).
    private lazy var maskedGrad = BatchBuffer(sampleShape: outputShape)
    private var result: Tensor?
    /// Set by `Sequential` when a relu follows: y = relu(body(x) + shortcut(x)) in the add's
    /// pass, and backward masks dY by y > 0 before it enters the body and the shortcut.
    var fusedReLU = false

    init(body items: [NamedLayer], shortcut skip: [NamedLayer]?, inputShape: [Int], outputShape: [Int],
         generator: RandomGenerator) {
        body = Chain(items, inputShape: inputShape, generator: generator)
        shortcut = skip.map { Chain($0, inputShape: inputShape, generator: generator) }
        output = BatchBuffer(sampleShape: outputShape)
        self.outputShape = outputShape
        inputGrad = BatchBuffer.gradient(sampleShape: inputShape)
    }

    var children: [(name: String, layer: any Layer)] {
        body.children + (shortcut.map { [("shortcut", $0 as any Layer)] } ?? [])
    }

    func forward(_ input: Tensor, training: Bool) -> Tensor {
        let main = body.forward(input, training: training)
        let skip = shortcut?.forward(input, training: training) ?? input
        precondition(main.count == skip.count, "residual: body gives \(main.shape), shortcut \(skip.shape)")
        let y = output.view(batch: input.shape[0])
        let p = UncheckedSendable((a: main.data, b: skip.data, out: y.data))
        let fusedReLU = self.fusedReLU
        // Elementwise: split across the cores, each half's relu while it is in cache.
        ParallelFor.run(count: y.count, workPerItem: 1) { _, range in
            lrs_add(p.value.a, p.value.b, p.value.out, range.lowerBound, range.upperBound)
            if fusedReLU { VectorKernels.relu(p.value.out, p.value.out, range) }
        }
        result = y
        return y
    }

    // y = body(x) + shortcut(x): dy flows unchanged into both, dL/dx = body'(dy) + shortcut'(dy)
    func backward(_ incomingGrad: Tensor, needsInputGrad: Bool) -> Tensor? {
        var outputGrad = incomingGrad
        if fusedReLU, let y = result {
            // relu'(z) = 1 where relu(z) > 0
            outputGrad = maskedGrad.view(batch: incomingGrad.shape[0])
            let p = UncheckedSendable((y: y.data, dy: incomingGrad.data, out: outputGrad.data))
            ParallelFor.run(count: outputGrad.count, workPerItem: 1) { _, range in
                VectorKernels.reluBackward(p.value.y, p.value.dy, p.value.out, range)
            }
        }
        // A pre-norm body (a norm first, no shortcut) adds the skip gradient in its own pass.
        if needsInputGrad, shortcut == nil, let norm = body.layers.first as? AddsSkipGradient {
            norm.skipGradient = outputGrad
            return body.backward(outputGrad, needsInputGrad: true)
        }
        let throughBody = body.backward(outputGrad, needsInputGrad: needsInputGrad)
        let throughShortcut = shortcut.map { $0.backward(outputGrad, needsInputGrad: needsInputGrad) } ?? outputGrad
        guard needsInputGrad else { return nil }
        let dx = inputGrad.view(batch: outputGrad.shape[0])
        switch (throughBody, throughShortcut) {
        case let (a?, b?):
            VectorKernels.parallelAdd(a.data, b.data, dx.data, count: dx.count)
        case let (a?, nil), let (nil, a?):
            dx.data.update(from: a.data, count: dx.count)
        case (nil, nil):
            dx.fill(0)
        }
        return dx
    }
}
