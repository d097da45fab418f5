import LRSFiles
import LRSLayers

extension Checker {
    /// The largest square side tried when inferring a conv model's input (4096 px).
    static let maxInferredSide = 4096
    /// The most items (blocks expanded) a model may have for its square input to be inferred.
    static let maxInferredItems = 1_000

    /// The model's per-sample input: the `input` statement, or inferred where unique.
    ///
    /// The first layer that fixes the input decides: `linear IN` means `[IN]`,
    /// `layernorm N` means `[N]`; `conv IN` means a square `INxSxS` image, S found by trying
    /// every side that the whole model accepts (seed 1: 16x26x26 must flatten to 10816, so
    /// S = 28). Anything else asks for an `input` statement.
    mutating func modelInput(_ layers: [(LayerSpec, String)], modelRange: SourceRange) -> (shape: [Int], inferred: Bool)? {
        if let inputShape { return (inputShape.shape, false) }
        var specs = layers.map(\.0)
        var index = 0
        while index < specs.count {
            let spec = specs[index]
            index += 1
            switch spec {
            case .relu, .tanh, .sigmoid, .gelu, .silu, .dropout:
                continue
            case .linear(let a, _, _):
                return ([a], true)
            case .layernorm(let n), .rmsnorm(let n, _):
                return ([n], true)
            case .conv(let c, _, _, _, _, _):
                // Each side tried runs the whole model's shapes: not for a large one.
                guard ModelTree.expandedCount(layers) <= Checker.maxInferredItems else {
                    diagnostics.error(.inputNeeded("the model is too large to try every square image"), at: modelRange)
                    return nil
                }
                return inferSquare(channels: c, items: layers.map { NamedLayer($0.1, $0.0) }, modelRange: modelRange)
            // A block's input is its first item's (section 12).
            case .sequence(let items), .residual(let items, _), .repeat(_, let items):
                specs.replaceSubrange(index - 1 ..< index, with: items.map(\.spec))
                index -= 1
            case .embedding:
                // `text ... context T` gives the sequence length (section 12).
                if let context = dataSource?.context { return ([context], true) }
                diagnostics.error(.inputNeeded("an 'embedding' takes sequences of token ids; 'input T' gives their length"),
                                  at: modelRange)
                return nil
            case .batchnorm:
                diagnostics.error(.inputNeeded("'batchnorm' takes samples of 1 to 3 dimensions"), at: modelRange)
                return nil
            case .flatten, .maxpool, .avgpool, .globalAvgPool, .posembed, .attention:
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
