/// The layer kinds the language accepts (sections 4 and 12), their arguments and options.
/// (`avgpool global` is an `avgpool`; blocks are not layers: see `ModelItemKind`.)
public enum LayerKind: String, Sendable, CaseIterable {
    case linear, conv, relu, tanh, sigmoid, gelu, flatten, maxpool, avgpool, dropout, batchnorm, layernorm
    case embedding, posembed, attention, rmsnorm, silu

    /// Positional arguments in order; a trailing argument with a default may be omitted.
    public var positional: [ArgumentSpec] { LayerKind.tables[ordinal].positional }

    /// `KEY VALUE` options after the positional arguments.
    public var options: [ArgumentSpec] { LayerKind.tables[ordinal].options }

    /// Built once: the parser asks for these on every token of a layer.
    /// Indexed by `ordinal`: an array read, no hashing.
    private static let tables: [(positional: [ArgumentSpec], options: [ArgumentSpec])] =
        allCases.map { ($0.makePositional(), $0.makeOptions()) }

    private var ordinal: Int {
        switch self {
        case .linear: return 0
        case .conv: return 1
        case .relu: return 2
        case .tanh: return 3
        case .sigmoid: return 4
        case .gelu: return 5
        case .flatten: return 6
        case .maxpool: return 7
        case .avgpool: return 8
        case .dropout: return 9
        case .batchnorm: return 10
        case .layernorm: return 11
        case .embedding: return 12
        case .posembed: return 13
        case .attention: return 14
        case .rmsnorm: return 15
        case .silu: return 16
        }
    }

    private func makePositional() -> [ArgumentSpec] {
        switch self {
        case .linear: return [.required("in_features", .integer), .required("out_features", .integer)]
        case .conv:
            return [.required("in_channels", .integer), .required("out_channels", .integer),
                    .required("kernel_size", .integer)]
        case .relu, .tanh, .sigmoid, .gelu, .flatten, .silu: return []
        // `avgpool global` reads the word as its argument (the checker tells it apart).
        case .maxpool, .avgpool: return [.required("kernel_size", .integer)]
        case .dropout: return [ArgumentSpec("p", .number, default: .number(0.5))]
        case .batchnorm: return [.required("num_features", .integer)]
        case .layernorm: return [.required("normalized_shape", .integer)]
        case .embedding: return [.required("num_embeddings", .integer), .required("embedding_dim", .integer)]
        case .posembed: return [.required("length", .integer), .required("dim", .integer)]
        case .attention: return [.required("embed_dim", .integer)]
        case .rmsnorm: return [.required("normalized_shape", .integer)]
        }
    }

    private func makeOptions() -> [ArgumentSpec] {
        switch self {
        case .linear: return [ArgumentSpec("bias", .bool, default: .bool(true))]
        case .conv:
            return [ArgumentSpec("stride", .integer, default: .number(1)),
                    ArgumentSpec("padding", .integer, default: .number(0)),
                    ArgumentSpec("bias", .bool, default: .bool(true))]
        // stride defaults to the kernel size (`.unset` here: the checker fills it in).
        case .maxpool, .avgpool: return [ArgumentSpec("stride", .integer, default: .unset)]
        // `heads` has no default: nn.MultiheadAttention requires num_heads.
        case .attention:
            return [ArgumentSpec("heads", .integer, default: nil), ArgumentSpec("causal", .bool, default: .bool(false)),
                    ArgumentSpec("bias", .bool, default: .bool(true)), ArgumentSpec("dropout", .number, default: .number(0))]
        // eps None: torch.finfo(dtype).eps.
        case .rmsnorm: return [ArgumentSpec("eps", .number, default: .unset)]
        default: return []
        }
    }

    /// Whether the layer holds parameters.
    public var hasParameters: Bool {
        switch self {
        case .linear, .conv, .batchnorm, .layernorm, .embedding, .posembed, .attention, .rmsnorm: return true
        default: return false
        }
    }

    /// The PyTorch module the layer is.
    public var pytorchName: String {
        switch self {
        case .linear: return "nn.Linear"
        case .conv: return "nn.Conv2d"
        case .relu: return "nn.ReLU"
        case .tanh: return "nn.Tanh"
        case .sigmoid: return "nn.Sigmoid"
        case .gelu: return "nn.GELU"
        case .flatten: return "nn.Flatten"
        case .maxpool: return "nn.MaxPool2d"
        case .avgpool: return "nn.AvgPool2d"
        case .dropout: return "nn.Dropout"
        case .batchnorm: return "nn.BatchNorm1d/2d"
        case .layernorm: return "nn.LayerNorm"
        case .embedding: return "nn.Embedding"
        case .posembed: return "a learned position embedding"
        case .attention: return "nn.MultiheadAttention"
        case .rmsnorm: return "nn.RMSNorm"
        case .silu: return "nn.SiLU"
        }
    }

    /// Option spec by name.
    func option(named name: String) -> ArgumentSpec? { options.first { $0.name == name } }
}
