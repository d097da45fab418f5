import LRSFiles
import LRSLayers

extension Checker {
    /// The largest square side tried when inferring a conv model's input (4096 px).
    static let maxInferredSide = 4096

    /// The model's per-sample input: the `input` statement, or inferred where unique.
    ///
    /// The first layer that fixes the input decides: `linear IN` means `[IN]`,
    /// `layernorm N` means `[N]`; `conv IN` means a square `INxSxS` image, S found by trying
    /// every side that the whole model accepts (seed 1: 16x26x26 must flatten to 10816, so
    /// S = 28). Anything else asks for an `input` statement.
    mutating func modelInput(_ layers: [(LayerSpec, String)], modelRange: SourceRange) -> (shape: [Int], inferred: Bool)? {
        if let inputShape { return (inputShape.shape, false) }
        let specs = layers.map(\.0)
        for spec in specs {
            switch spec {
            case .relu, .tanh, .sigmoid, .gelu, .silu, .dropout:
                continue
            case .linear(let a, _, _):
                return ([a], true)
            case .layernorm(let n), .rmsnorm(let n, _):
                return ([n], true)
            case .conv(let c, _, _, _, _, _):
                return inferSquare(channels: c, items: layers.map { NamedLayer($0.1, $0.0) }, modelRange: modelRange)
            case .batchnorm:
                diagnostics.error(.inputNeeded("'batchnorm' takes samples of 1 to 3 dimensions"), at: modelRange)
                return nil
            case .flatten, .maxpool, .avgpool, .globalAvgPool, .embedding, .posembed, .attention, .sequence, .residual,
                 .repeat:
                diagnostics.error(.inputNeeded("the first layers do not fix it"), at: modelRange)
                return nil
            }
        }
        diagnostics.error(.inputNeeded("no layer fixes it"), at: modelRange)
        return nil
    }

    private mutating func inferSquare(channels: Int, items: [NamedLayer], modelRange: SourceRange) -> (shape: [Int], inferred: Bool)? {
        var found: [[Int]] = []
        for side in 1...Checker.maxInferredSide {
            guard case .success = LayerSpec.outputShapes(of: items, input: [channels, side, side]) else { continue }
            found.append([channels, side, side])
            if found.count > 2 { break }
        }
        guard let first = found.first else {
            diagnostics.error(.inputNeeded("no square image fits the model"), at: modelRange)
            return nil
        }
        guard found.count == 1 else {
            let list = found.prefix(2).map(ShapeText.text).joined(separator: ", ")
            diagnostics.error(.inputNotUnique(list + ", ..."), at: modelRange)
            return nil
        }
        diagnostics.note(.inferredInput(ShapeText.text(first)), at: modelRange)
        return (first, true)
    }
}
