/// The one table of PyTorch 2.13's constructor defaults, read from torch/optim/*.py: the
/// checker fills them into every group (LRSLanguage's `OptimizerKind.hyperparameters`) and
/// LRSOptim's `ParamGroupConfig(kind:learningRate:)` starts from them.
public struct HyperparameterDefault: Sendable, Equatable {
    public let hyperparameter: Hyperparameter
    public let value: HyperparameterValue

    init(_ hyperparameter: Hyperparameter, _ value: HyperparameterValue) {
        self.hyperparameter = hyperparameter
        self.value = value
    }
}

extension OptimizerKind {
    /// The hyperparameters the kind takes, in PyTorch's order, with their defaults.
    public var defaults: [HyperparameterDefault] { OptimizerKind.defaultTables[ordinal] }

    /// Built once; indexed by `ordinal`.
    private static let defaultTables: [[HyperparameterDefault]] = allCases.map(makeDefaults)

    private static func makeDefaults(_ kind: OptimizerKind) -> [HyperparameterDefault] {
        typealias D = HyperparameterDefault
        let betas = D(.betas, .numbers([0.9, 0.999]))
        let maximize = D(.maximize, .flag(false))
        func number(_ name: Hyperparameter, _ value: Double) -> D { D(name, .number(value)) }
        func flag(_ name: Hyperparameter, _ value: Bool = false) -> D { D(name, .flag(value)) }
        switch kind {
        case .sgd:
            return [number(.learningRate, 1e-3), number(.momentum, 0), number(.dampening, 0),
                    number(.weightDecay, 0), flag(.nesterov), maximize]
        case .adam:
            return [number(.learningRate, 1e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0),
                    flag(.amsgrad), maximize, flag(.decoupledWeightDecay)]
        case .adamw:
            // AdamW is Adam with decoupled_weight_decay=True: its groups hold the key, its
            // constructor does not take it, and only `true` is accepted (HyperparameterRules).
            return [number(.learningRate, 1e-3), betas, number(.eps, 1e-8), number(.weightDecay, 1e-2),
                    flag(.amsgrad), maximize, flag(.decoupledWeightDecay, true)]
        case .rmsprop:
            return [number(.learningRate, 1e-2), number(.alpha, 0.99), number(.eps, 1e-8), number(.weightDecay, 0),
                    number(.momentum, 0), flag(.centered), maximize]
        case .adagrad:
            return [number(.learningRate, 1e-2), number(.lrDecay, 0), number(.weightDecay, 0),
                    number(.initialAccumulatorValue, 0), number(.eps, 1e-10), maximize]
        case .adadelta:
            return [number(.learningRate, 1.0), number(.rho, 0.9), number(.eps, 1e-6), number(.weightDecay, 0), maximize]
        case .adamax:
            return [number(.learningRate, 2e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0), maximize]
        case .nadam:
            return [number(.learningRate, 2e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0),
                    number(.momentumDecay, 4e-3), flag(.decoupledWeightDecay), maximize]
        case .radam:
            return [number(.learningRate, 1e-3), betas, number(.eps, 1e-8), number(.weightDecay, 0),
                    flag(.decoupledWeightDecay), maximize]
        case .muon:
            // torch.optim._muon: adjust_lr_fn's default None means "original", written as such.
            return [number(.learningRate, 1e-3), number(.weightDecay, 0.1), number(.momentum, 0.95),
                    flag(.nesterov, true), D(.nsCoefficients, .numbers([3.4445, -4.7750, 2.0315])),
                    number(.eps, 1e-7), D(.nsSteps, .wholeNumber(5)), D(.adjustLearningRate, .muonAdjustment(.original))]
        case .adafactor:
            return [number(.learningRate, 1e-2), number(.beta2Decay, -0.8), D(.eps, .optionalNumbers([nil, 1e-3])),
                    number(.clippingThreshold, 1), number(.weightDecay, 0), maximize]
        case .asgd:
            return [number(.learningRate, 1e-2), number(.lambd, 1e-4), number(.alpha, 0.75), number(.t0, 1e6),
                    number(.weightDecay, 0), maximize]
        case .rprop:
            return [number(.learningRate, 1e-2), D(.etas, .numbers([0.5, 1.2])), D(.stepSizes, .numbers([1e-6, 50])),
                    maximize]
        }
    }
}
