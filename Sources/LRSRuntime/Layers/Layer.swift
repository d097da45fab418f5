/// One layer of a `Sequential` model (or a container of layers: `Chain`, `Residual`): a forward
/// pass and, beside it, its backward rule.
///
/// Autograd is layer-level reverse mode: `forward` keeps references to its input and output
/// (and whatever else the backward rule needs, in buffers reused across steps), and
/// `backward` turns d(loss)/d(output) into parameter gradients (accumulated) and, when asked,
/// d(loss)/d(input). Tensors handed out are views of the layer's buffers: they stay valid
/// until the layer's next forward (resp. backward).
protocol Layer: AnyObject {
    /// The layer's state_dict entries under their local names (`weight`, `running_mean`...).
    var state: [(name: String, entry: StateEntry)] { get }
    /// Runs the layer on `input` ([B, sample shape...]).
    func forward(_ input: Tensor, training: Bool) -> Tensor
    /// Accumulates parameter gradients from `outputGrad` for the last forward, and returns
    /// d(loss)/d(input) when `needsInputGrad`.
    func backward(_ outputGrad: Tensor, needsInputGrad: Bool) -> Tensor?
}

extension Layer {
    var state: [(name: String, entry: StateEntry)] { [] }
}

/// A layer that adds a residual's skip gradient to its input gradient in its own backward
/// pass: the first layer of a pre-norm residual's body (a norm), whose `Residual` then makes
/// no pass of its own over the activations to add dy to the body's dx.
protocol AddsSkipGradient: Layer {
    /// Set by the `Residual` for the next backward only: the skip path's gradient, added to
    /// dx in the same pass (dx = layer'(dy) + skip). A forward clears one left by a backward
    /// that stopped early.
    var skipGradient: Tensor? { get set }
}

/// A buffer for one batch-shaped activation or gradient, sized for the largest batch seen
/// (or reserved) and handed out as views of the current batch size.
final class BatchBuffer {
    let sampleShape: [Int]
    let sampleCount: Int
    private var storage: Tensor?
    private var lastView: Tensor?

    init(sampleShape: [Int]) {
        self.sampleShape = sampleShape
        self.sampleCount = sampleShape.reduce(1, *)
    }

    /// A [batch, sampleShape...] tensor over this buffer's storage. Contents are whatever the
    /// last user left; callers overwrite (or zero) them.
    func view(batch: Int) -> Tensor {
        if let view = lastView, view.shape.first == batch { return view }
        let needed = batch * sampleCount
        let store: Tensor
        if let existing = storage, existing.count >= needed {
            store = existing
        } else {
            store = Tensor(zeros: [needed])
            storage = store
        }
        let view = Tensor(viewing: store, shape: [batch] + sampleShape)
        lastView = view
        return view
    }
}

extension BatchBuffer {
    /// A buffer for a gradient computed in backward and dead once the layer before has
    /// consumed it: while a `repeat` builds its copies, taken from the set its copy shares.
    static func gradient(sampleShape: [Int]) -> BatchBuffer {
        SharedGradients.active?.take(sampleShape: sampleShape) ?? BatchBuffer(sampleShape: sampleShape)
    }
}

/// The gradient buffers that copies of a `repeat` of the same parity share (copies 0, 2, 4...
/// one set, 1, 3, 5... the other): backward runs copy i completely before copy i - 1 and copy
/// i - 1 before i - 2, so by the time copy i - 2 writes a buffer, what copy i wrote there
/// (its input gradient included, which copy i - 1 consumed) is dead; neighbours never share,
/// so a copy's incoming gradient is never its own buffer. Four GPT blocks keep two sets of
/// gradients instead of four.
///
/// Unchecked Sendable: a set is used only by the thread building its model, which the
/// task-local `active` keeps to that thread (models built at once on other threads, as
/// parallel tests do, each see their own set).
final class SharedGradients: @unchecked Sendable {
    /// The set the copy being built takes its buffers from (nil outside a `repeat`).
    @TaskLocal static var active: SharedGradients?
    private var buffers: [BatchBuffer] = []
    private var next = 0

    /// Builds one copy with this set active: its layers ask for their gradient buffers in
    /// the same order as the first copy built with it, and get that copy's.
    func building<Built>(_ build: () -> Built) -> Built {
        next = 0
        return Self.$active.withValue(self) { build() }
    }

    fileprivate func take(sampleShape: [Int]) -> BatchBuffer {
        defer { next += 1 }
        if next < buffers.count, buffers[next].sampleShape == sampleShape { return buffers[next] }
        let fresh = BatchBuffer(sampleShape: sampleShape)
        if next == buffers.count { buffers.append(fresh) }
        return fresh
    }
}

/// Checks that a layer received a batch of the per-sample shape it was built for.
func checkInput(_ input: Tensor, sampleCount: Int, layer: String) -> Int {
    precondition(!input.shape.isEmpty && input.shape[0] >= 1 && input.count == input.shape[0] * sampleCount,
                 "\(layer): input of shape \(input.shape) does not hold samples of \(sampleCount) elements")
    return input.shape[0]
}
