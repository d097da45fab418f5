/// The optimizer kinds of the contract, spelled as in the language (PyTorch's names in lower case).
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, adam, adamw, rmsprop, adagrad, adadelta, adamax, nadam, radam
    case muon, adafactor, asgd, rprop
}
