import LRSFiles

/// Why a layer cannot take its input, as data: the checker's diagnostics and the runtime's
/// preconditions both say it with `description`, the one wording of shape problems.
public struct ShapeFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// The input has the wrong dimensions for the layer.
        case mismatch(expected: ExpectedInput)
        /// A kernel (conv, pooling) larger than the padded input.
        case tooSmall
        /// The output would have more than `LayerSpec.maxElements` elements per sample.
        case tooManyElements
        /// A residual whose body gives another shape than its shortcut (`nil`: than its input,
        /// having no shortcut).
        case residualShapes(body: [Int], shortcut: [Int]?)
        /// An argument no layer can have (the checker rejects these before shapes).
        case invalidArgument(InvalidArgument)
    }

    /// What a layer needs, in the words of `ShapeFailure.description`.
    public enum ExpectedInput: Equatable, Sendable {
        /// `linear`: this many features (the last dimension, or the flattened sample).
        case features(Int)
        /// `conv`: an image with this many channels.
        case channelsImage(Int)
        /// Pooling: an image.
        case image
        /// `batchnorm`: this many features, or a sequence or an image with this many channels.
        case channels(Int)
        /// `layernorm`, `rmsnorm`: this last dimension.
        case lastDimension(Int)
        /// `embedding`: a sequence of integer ids.
        case ids
        /// `attention`, `posembed`: a sequence of vectors of this width, at most `maxLength` long.
        case sequence(width: Int, maxLength: Int?)
    }

    /// Arguments out of range for any input (what `LayerSpec`'s cases cannot rule out by type).
    public enum InvalidArgument: Equatable, Sendable {
        case nonPositiveSize
        case negativePadding
        case negativeEpsilon
        case probability(Double)
        case headsDoNotDivide(heads: Int, width: Int)
        case nonPositiveCount
    }

    public let reason: Reason
    /// The per-sample shape the failing layer was given.
    public let input: [Int]
    /// The failing layer: the names from the outermost item given a name down to it
    /// (`["blocks", "0", "1", "fc"]`); empty until a caller names the layer.
    public var path: [String]

    public init(_ reason: Reason, input: [Int], path: [String] = []) {
        self.reason = reason
        self.input = input
        self.path = path
    }

    /// The failure located inside the item `name` (prepends it to the path).
    public func inside(_ name: String) -> ShapeFailure {
        ShapeFailure(reason, input: input, path: [name] + path)
    }

    /// The layer's dotted name (`blocks.0.1.fc`).
    public var layer: String { path.joined(separator: ".") }

    public var description: String {
        switch reason {
        case .mismatch(let expected):
            let got = expected.isFeatures ? Self.features(input) : Self.text(input)
            return "layer '\(layer)' expects input \(expected.text), but gets \(got)"
        case .tooSmall: return "input \(Self.text(input)) is too small for layer '\(layer)'"
        case .tooManyElements: return "the output of layer '\(layer)' has too many elements"
        case .residualShapes(let body, let shortcut?):
            return "the body of residual '\(layer)' gives \(Self.text(body)), but its shortcut gives \(Self.text(shortcut))"
        case .residualShapes(let body, nil):
            return "the body of residual '\(layer)' changes the shape from \(Self.text(input)) to \(Self.text(body)) without a shortcut"
        case .invalidArgument(let argument): return "layer '\(layer)' \(argument.text)"
        }
    }

    /// `16x26x26`
    static func text(_ shape: [Int]) -> String {
        shape.isEmpty ? "a scalar" : ShapeText.text(shape)
    }

    /// A shape with its feature count when it has more than one dimension.
    static func features(_ shape: [Int]) -> String {
        let count = shape.checkedProduct.map(String.init) ?? "too many"
        return shape.count == 1 ? "\(count) features" : "\(text(shape)) (\(count) features)"
    }
}

extension ShapeFailure.ExpectedInput {
    var isFeatures: Bool {
        if case .features = self { return true }
        return false
    }

    var text: String {
        switch self {
        case .features(let n): return "\(n) features"
        case .channelsImage(let c): return "\(c)xHxW"
        case .image: return "CxHxW"
        case .channels(let c): return "\(c), \(c)xL or \(c)xHxW"
        case .lastDimension(let n): return "a last dimension of \(n)"
        case .ids: return "a sequence of integer ids (one dimension)"
        case .sequence(let width, nil): return "Tx\(width)"
        case .sequence(let width, let length?): return "Tx\(width) with T at most \(length)"
        }
    }
}

extension ShapeFailure.InvalidArgument {
    var text: String {
        switch self {
        case .nonPositiveSize: return "needs positive sizes"
        case .negativePadding: return "needs a padding of at least 0"
        case .negativeEpsilon: return "needs an eps of at least 0"
        case .probability(let p): return "needs a probability between 0 and 1, got \(p)"
        case .headsDoNotDivide(let heads, let width): return "needs a head count that divides \(width), got \(heads)"
        case .nonPositiveCount: return "needs a positive count"
        }
    }
}
