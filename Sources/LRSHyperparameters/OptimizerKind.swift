/// The optimizer kinds of the contract (section 5), spelled as in the language (PyTorch's
/// names in lower case). The checker, the runtime and the export share this one enum, so a
/// kind needs no mapping between them.
public enum OptimizerKind: String, Sendable, CaseIterable {
    case sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, radam
    case muon, adafactor, asgd, rprop

    /// The class in `torch.optim`.
    public var pytorchName: String {
        switch self {
        case .sgd: return "SGD"
        case .adam: return "Adam"
        case .adamw: return "AdamW"
        case .rmsprop: return "RMSprop"
        case .adagrad: return "Adagrad"
        case .adadelta: return "Adadelta"
        case .adamax: return "Adamax"
        case .nadam: return "NAdam"
        case .radam: return "RAdam"
        case .muon: return "Muon"
        case .adafactor: return "Adafactor"
        case .asgd: return "ASGD"
        case .rprop: return "Rprop"
        }
    }

    /// The kind's position in `allCases`: tables built once per kind are indexed by it (an
    /// array read, no hashing, as every group asks).
    public var ordinal: Int {
        switch self {
        case .sgd: return 0
        case .adam: return 1
        case .adamw: return 2
        case .rmsprop: return 3
        case .adagrad: return 4
        case .adadelta: return 5
        case .adamax: return 6
        case .nadam: return 7
        case .radam: return 8
        case .muon: return 9
        case .adafactor: return 10
        case .asgd: return 11
        case .rprop: return 12
        }
    }
}
