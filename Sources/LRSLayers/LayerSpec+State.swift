/// A parameter or buffer a layer holds: its `state_dict()` name below the layer and its shape.
public struct StateShape: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case parameter
        /// A float buffer (`running_mean`, `running_var`).
        case buffer
        /// An int64 scalar buffer (`num_batches_tracked`).
        case integerBuffer
    }

    public let name: String
    public let shape: [Int]
    public let kind: Kind

    public init(_ name: String, _ shape: [Int], _ kind: Kind = .parameter) {
        self.name = name
        self.shape = shape
        self.kind = kind
    }
}

extension LayerSpec {
    /// What the layer holds, in PyTorch's `state_dict()` order (per module: parameters, then
    /// buffers) and names: the one table of parameter shapes, which the checker names and
    /// counts and the runtime's layers allocate (a test holds each runtime layer to it).
    /// A container's are its items' under their dotted names; a `repeat`'s lists every copy,
    /// so its size grows with the count.
    public var stateShapes: [StateShape] {
        switch self {
        case let .linear(inFeatures, out, bias):
            return [StateShape("weight", [out, inFeatures])] + (bias ? [StateShape("bias", [out])] : [])
        case let .conv(inChannels, out, kernel, _, _, bias):
            return [StateShape("weight", [out, inChannels, kernel, kernel])] + (bias ? [StateShape("bias", [out])] : [])
        case .batchnorm(let channels):
            return [StateShape("weight", [channels]), StateShape("bias", [channels]),
                    StateShape("running_mean", [channels], .buffer), StateShape("running_var", [channels], .buffer),
                    StateShape("num_batches_tracked", [], .integerBuffer)]
        case .layernorm(let features):
            return [StateShape("weight", [features]), StateShape("bias", [features])]
        case .rmsnorm(let features, _):
            return [StateShape("weight", [features])]
        case let .embedding(count, dim):
            return [StateShape("weight", [count, dim])]
        case let .posembed(length, dim):
            return [StateShape("weight", [length, dim])]
        case let .attention(dim, _, _, bias, _):
            // nn.MultiheadAttention's packed projection, then its out_proj (an nn.Linear).
            var shapes = [StateShape("in_proj_weight", [3 * dim, dim])]
            if bias { shapes.append(StateShape("in_proj_bias", [3 * dim])) }
            shapes.append(StateShape("out_proj.weight", [dim, dim]))
            if bias { shapes.append(StateShape("out_proj.bias", [dim])) }
            return shapes
        case .relu, .tanh, .sigmoid, .gelu, .silu, .flatten, .maxpool, .avgpool, .globalAvgPool, .dropout:
            return []
        case .sequence(let items):
            return Self.stateShapes(of: items)
        case let .residual(body, shortcut):
            return Self.stateShapes(of: body) + Self.stateShapes(of: shortcut ?? []).map { $0.inside("shortcut") }
        case let .repeat(count, body):
            return (0..<max(count, 0)).flatMap { copy in Self.stateShapes(of: body).map { $0.inside("\(copy)") } }
        }
    }

    /// The items' state under their names (`fc.weight`), in order.
    public static func stateShapes(of items: [NamedLayer]) -> [StateShape] {
        items.flatMap { item in item.spec.stateShapes.map { $0.inside(item.name) } }
    }
}

extension StateShape {
    /// The entry under the item `name` (`weight` to `fc.weight`).
    func inside(_ name: String) -> StateShape {
        StateShape("\(name).\(self.name)", shape, kind)
    }
}
