import LRSHyperparameters

extension Momentum {
    /// What cyclic and onecycle cycle for a kind, as torch decides it: `betas[0]` where the
    /// optimizer's defaults have `betas`, else `momentum` where they have it, else nothing
    /// (then `cycle_momentum true` is an error).
    public static func cycled(for kind: OptimizerKind, momentum: Double, beta1: Double) -> Momentum? {
        switch kind {
        case .adam, .adamw, .adamax, .nadam, .radam: .beta1(beta1)
        case .sgd, .rmsprop, .muon: .momentum(momentum)
        case .adagrad, .adadelta, .adafactor, .asgd, .rprop: nil
        }
    }
}
