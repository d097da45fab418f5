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
/// than columns), then ns_steps times, with (a, b, c) = ns_coefficients,
///
///     A = X Xᵀ;  B = b A + c A A;  X = a X + B X
///
/// each product rounded to bfloat16. The products are OpenBLAS single-precision products over
/// bfloat16 values (A and A A are symmetric: SYRK, half the multiply-adds of torch's GEMMs):
/// the products of two bfloat16 values are exact in float, so only the order of the float sums
/// can differ from torch's, which rounds the same sums to bfloat16.
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
    static func update(_ config: ParamGroupConfig, _ state: ParameterState, _ value: Tensor, _ grad: Tensor) {
        precondition(value.shape.count == 2, "Muon: a parameter of shape \(value.shape); Muon takes matrices only")
        let rows = value.shape[0], cols = value.shape[1]
        let buffer = state.momentumBuffer.orZeros(value.shape)
        guard rows > 0, cols > 0 else { return }
        // X is short x long: the iteration's Gram matrices are short x short.
        let short = min(rows, cols), long = max(rows, cols)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: short * long)
        let next = UnsafeMutablePointer<Float>.allocate(capacity: short * long)
        let gram = UnsafeMutablePointer<Float>.allocate(capacity: short * short)
        let polynomial = UnsafeMutablePointer<Float>.allocate(capacity: short * short)
        defer { for scratch in [x, next, gram, polynomial] { scratch.deallocate() } }
        let lr = config.learningRate
        var args = lrs_muon_args(
            p: value.data, g: grad.data, buffer: buffer.data, x: x, rows: rows, cols: cols,
            weight: Float(1 - config.momentum), momentum: Float(config.momentum), eps: Float(config.eps),
            shrink: Float(1 - lr * config.weightDecay),
            negative_rate: Float(-(lr * rateFactor(config.adjustLearningRate, rows: rows, cols: cols))),
            nesterov: config.nesterov, transposed: rows > cols)
        lrs_muon_momentum(&args)
        let (a, b, c) = (Float(config.nsCoefficients.x), Float(config.nsCoefficients.y), Float(config.nsCoefficients.z))
        var current = x, other = next
        for _ in 0..<config.nsSteps {
            // A = X Xᵀ (symmetric: half the products)
            BLAS.syrk(n: short, k: long, a: current, c: gram)
            lrs_bfloat16(gram, short * short)
            // B = b A + c A A = b A + c A Aᵀ
            polynomial.update(from: gram, count: short * short)
            BLAS.syrk(n: short, k: short, alpha: c, a: gram, beta: b, c: polynomial)
            lrs_bfloat16(polynomial, short * short)
            // X = a X + B X
            other.update(from: current, count: short * long)
            BLAS.gemm(m: short, n: long, k: short, alpha: 1, a: polynomial, b: current, beta: a, c: other)
            lrs_bfloat16(other, short * long)
            swap(&current, &other)
        }
        args.x = current
        lrs_muon_apply(&args)
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
        forEachParameterWithGradient { config, state, value, grad in
            MuonUpdate.update(config, state, value, grad)
        }
    }
}
