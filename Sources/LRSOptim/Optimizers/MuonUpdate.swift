import COptimKernels
import Foundation
import LRSHyperparameters
import LRSRuntime

/// Muon, as torch's `_single_tensor_muon` (torch.optim.Muon), for matrices only:
///
///     B = μ B + (1 - μ) G                       (torch's lerp)
///     O = NS(μ B + (1 - μ) G) (nesterov) or NS(B)
///     p = p (1 - lr λ) - lr · adjust(A, B) · O
///
/// NS orthogonalizes in bfloat16, as torch does: X = O / ‖O‖ (X = Oᵀ when O has more rows
/// than columns), then ns_steps `NewtonSchulz` iterations with (a, b, c) = ns_coefficients.
/// adjust(A, B) is √max(1, A / B) (`original`) or 0.2 √max(A, B) (`match_rms_adamw`).
/// State: `momentum_buffer`. The element-wise passes are Sources/COptimKernels/muon.c.
enum MuonUpdate {
    static func makeState(_ config: ParamGroupConfig, _ value: Tensor) -> ParameterState {
        let state = ParameterState()
        state.momentumBuffer = Tensor(zeros: value.shape)
        return state
    }

    /// The factor Muon multiplies the rate by for a rows x cols matrix.
    static func rateFactor(_ adjustment: MuonLearningRateAdjustment, rows: Int, cols: Int) -> Double {
        switch adjustment {
        case .original: (max(1, Double(rows) / Double(cols))).squareRoot()
        case .matchRMSAdamW: 0.2 * Double(max(rows, cols)).squareRoot()
        }
    }

    /// One parameter's step.
    static func update(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor,
                       workspace: NewtonSchulz.Workspace) {
        precondition(value.shape.count == 2, "Muon: a parameter of shape \(value.shape); Muon takes matrices only")
        let rows = value.shape[0], cols = value.shape[1]
        let buffer = state.momentumBuffer.orZeros(value.shape)
        guard rows > 0, cols > 0 else { return }
        // X is short x long: the iteration's Gram matrices are short x short.
        let short = min(rows, cols), long = max(rows, cols)
        let x = workspace.floats(.x, short * long), other = workspace.floats(.other, short * long)
        let lr = config.learningRate
        var args = lrs_muon_args(
            p: value.data, g: grad.data, buffer: buffer.data, x: x, rows: rows, cols: cols,
            weight: Float(1 - config.momentum), momentum: Float(config.momentum), eps: Float(config.eps),
            shrink: Float(1 - lr * config.weightDecay),
            negative_rate: Float(-(lr * rateFactor(config.adjustLearningRate, rows: rows, cols: cols))),
            nesterov: config.nesterov, transposed: rows > cols)
        lrs_muon_momentum(&args)
        let iteration = NewtonSchulz(short: short, long: long, steps: config.nsSteps,
                                     coefficients: (Float(config.nsCoefficients.x), Float(config.nsCoefficients.y),
                                                    Float(config.nsCoefficients.z)))
        args.x = iteration.run(x, other: other, workspace: workspace)
        lrs_muon_apply(&args)
    }
}

/// The Newton-Schulz iteration on X (short x long, bfloat16 values):
///
///     A = X Xᵀ;  B = b A + c A A;  X = a X + B X
///
/// each product rounded to bfloat16. In bfloat16 through oneDNN where it is installed (as
/// torch multiplies them); otherwise OpenBLAS single-precision products over the same
/// values (A and A A are symmetric: SYRK, half the multiply-adds). A product of two bfloat16
/// values is exact in float either way, so the two ways differ in the order of the float
/// sums (and AVX512_BF16 treats subnormal values as zero, which a normalised X never holds).
struct NewtonSchulz {
    let short: Int
    let long: Int
    let steps: Int
    let coefficients: (a: Float, b: Float, c: Float)

    /// Matrices from this many rows and columns are multiplied in bfloat16: smaller products
    /// take less time in float32 on this thread than handing them to oneDNN's threads.
    static let bfloat16From = 256

    /// Set when oneDNN has refused a product: from then on every step runs in float32,
    /// without trying again. (Parameters' steps run one after another.)
    nonisolated(unsafe) static var oneDNNRefused = false

    /// The scratch matrices of a Muon step, kept from one parameter to the next: allocated
    /// afresh for each, a 1024 x 1024 matrix's 22 MB came back as new pages (98,000 page faults
    /// in a 7-step `lrs-bench optim --kinds muon` run, against 28,000 with this; the step's
    /// time moved less than this machine's noise).
    final class Workspace {
        enum Slot: Int, CaseIterable {
            case x, other, gram, polynomial, xBits, nextBits, gramBits, polynomialBits
        }

        private var buffers: [(pointer: UnsafeMutableRawPointer, bytes: Int)?]

        init() {
            buffers = Array(repeating: nil, count: Slot.allCases.count)
        }

        deinit {
            for buffer in buffers { buffer?.pointer.deallocate() }
        }

        private func raw(_ slot: Slot, _ bytes: Int) -> UnsafeMutableRawPointer {
            if let buffer = buffers[slot.rawValue], buffer.bytes >= bytes { return buffer.pointer }
            buffers[slot.rawValue]?.pointer.deallocate()
            let pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            buffers[slot.rawValue] = (pointer, bytes)
            return pointer
        }

        func floats(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<Float> {
            raw(slot, count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
        }

        func bits(_ slot: Slot, _ count: Int) -> UnsafeMutablePointer<UInt16> {
            raw(slot, count * MemoryLayout<UInt16>.stride).bindMemory(to: UInt16.self, capacity: count)
        }
    }

    /// Iterates on `x`, with `other` as the second buffer; returns the one holding the result.
    func run(_ x: UnsafeMutablePointer<Float>, other: UnsafeMutablePointer<Float>,
             workspace: Workspace = Workspace()) -> UnsafeMutablePointer<Float> {
        if short >= Self.bfloat16From, !Self.oneDNNRefused, let onednn = OneDNNLibrary.shared {
            // `x` is written only once the iteration is done: a refusal starts again from it.
            if inBfloat16(onednn, x, product: other, workspace: workspace) { return x }
            Self.oneDNNRefused = true
        }
        return inFloat32(x, other: other, workspace: workspace)
    }

    /// The iteration with bfloat16 products through oneDNN, its result written to `x`; false
    /// when oneDNN refused a product (then `x` is as it was). The matrices are kept as their
    /// bfloat16 bits. Each product is made with no C term in float (the symmetric ones, A and
    /// A Aᵀ, as their upper triangles), then rounded in one pass that mirrors a symmetric
    /// product and adds the C term torch's addmm adds (b A; a X).
    func inBfloat16(_ onednn: OneDNNLibrary, _ x: UnsafeMutablePointer<Float>, product: UnsafeMutablePointer<Float>,
                    workspace: Workspace = Workspace()) -> Bool {
        let (a, b, c) = coefficients
        let square = short * short, wide = short * long
        var xBits = workspace.bits(.xBits, wide), nextBits = workspace.bits(.nextBits, wide)
        let gramBits = workspace.bits(.gramBits, square), polynomialBits = workspace.bits(.polynomialBits, square)
        lrs_bfloat16_to_bits(x, xBits, wide)
        for _ in 0..<steps {
            // A = X Xᵀ (symmetric)
            guard onednn.upperProduct(n: short, k: long, a: xBits, c: product) else { return false }
            Self.pass(onednn, lrs_symmetric_bits_worker, product, short, 1, nil, 0, gramBits)
            // B = b A + c A A = b A + c A Aᵀ (symmetric)
            guard onednn.upperProduct(n: short, k: short, a: gramBits, c: product, symmetricA: true) else { return false }
            Self.pass(onednn, lrs_symmetric_bits_worker, product, short, c, gramBits, b, polynomialBits)
            // X = a X + B X
            guard onednn.product(m: short, n: long, k: short, a: polynomialBits, b: xBits, c: product) else { return false }
            Self.pass(onednn, lrs_addmm_bits_worker, product, wide, 1, xBits, a, nextBits)
            swap(&xBits, &nextBits)
        }
        lrs_bfloat16_widen(xBits, x, wide)
        return true
    }

    /// A rounding pass after a product, on OpenMP's team: on lrs's own pool, its threads waited
    /// for the core oneDNN's threads spin on after the product.
    private static func pass(_ onednn: OneDNNLibrary, _ worker: OneDNNLibrary.Worker, _ p: UnsafePointer<Float>, _ n: Int,
                             _ alpha: Float, _ c: UnsafePointer<UInt16>?, _ beta: Float, _ out: UnsafeMutablePointer<UInt16>) {
        var job = lrs_bits_job(thread_number: onednn.threadNumber ?? lrs_thread_number_alone,
                               thread_count: onednn.threadCount ?? lrs_thread_count_alone,
                               p: p, n: n, alpha: alpha, c: c, beta: beta, out: out)
        withUnsafeMutablePointer(to: &job) { onednn.onTeam(worker, UnsafeMutableRawPointer($0)) }
    }

    /// The iteration with float32 products through OpenBLAS.
    func inFloat32(_ x: UnsafeMutablePointer<Float>, other: UnsafeMutablePointer<Float>,
                   workspace: Workspace = Workspace()) -> UnsafeMutablePointer<Float> {
        let gram = workspace.floats(.gram, short * short), polynomial = workspace.floats(.polynomial, short * short)
        let (a, b, c) = coefficients
        var current = x, next = other
        for _ in 0..<steps {
            // A = X Xᵀ (symmetric: half the products)
            BLAS.syrk(n: short, k: long, a: current, c: gram)
            lrs_bfloat16(gram, short * short)
            // B = b A + c A A = b A + c A Aᵀ
            polynomial.update(from: gram, count: short * short)
            BLAS.syrk(n: short, k: short, alpha: c, a: gram, beta: b, c: polynomial)
            lrs_bfloat16(polynomial, short * short)
            // X = a X + B X
            next.update(from: current, count: short * long)
            BLAS.gemm(m: short, n: long, k: short, alpha: 1, a: polynomial, b: current, beta: a, c: next)
            lrs_bfloat16(next, short * long)
            swap(&current, &next)
        }
        return current
    }
}

/// Why an optimizer cannot take its groups' parameters.
public enum OptimizerConfigurationError: Error, Equatable, Sendable {
    /// Muon orthogonalizes matrices: a parameter that is not 2-D (positions as in `groups`).
    case muonNeedsMatrix(group: Int, parameter: Int, shape: [Int])
}

extension Optimizer {
    /// Every parameter `kind` cannot update, in group order: for Muon, each one that is not
    /// a matrix (torch raises for the first at construction). The language's checker reports
    /// them before a run; the engine may call this to be sure.
    public static func unsupportedParameters(kind: OptimizerKind, groups: [ParamGroup]) -> [OptimizerConfigurationError] {
        guard kind == .muon else { return [] }
        return groups.indices.flatMap { g in
            groups[g].parameters.indices.compactMap { i in
                let shape = groups[g].parameters[i].value.shape
                return shape.count == 2 ? nil : .muonNeedsMatrix(group: g, parameter: i, shape: shape)
            }
        }
    }

    /// An optimizer over `groups`, or the first parameter its kind cannot update.
    public convenience init(checking kind: OptimizerKind, groups: [ParamGroup]) throws(OptimizerConfigurationError) {
        if let first = Self.unsupportedParameters(kind: kind, groups: groups).first { throw first }
        self.init(kind: kind, groups: groups)
    }

    /// Muon's step: parameter after parameter, each one's products using every core.
    func stepMuon() {
        let workspace = NewtonSchulz.Workspace()
        forEachParameterWithGradient { config, state, value, grad in
            MuonUpdate.update(config, state, value, grad, workspace: workspace)
        }
    }
}
