/// A hyperparameter's value as the defaults table writes it and the optimizers take it. Its
/// case also says what the language accepts for it (a number, a whole number, a flag, a
/// fixed count of numbers, one of Muon's rate adjustments).
public enum HyperparameterValue: Sendable, Equatable {
    case number(Double)
    case wholeNumber(Int)
    case flag(Bool)
    /// A fixed count of numbers (`betas 0.9 0.999`).
    case numbers([Double])
    /// Numbers of which the first may be PyTorch's None (adafactor's `eps (None, 1e-3)`).
    case optionalNumbers([Double?])
    case muonAdjustment(MuonLearningRateAdjustment)

    /// The value as one number (a flag is 1 or 0), when it is one.
    public var number: Double? {
        switch self {
        case .number(let x): return x
        case .wholeNumber(let n): return Double(n)
        case .flag(let on): return on ? 1 : 0
        case .numbers, .optionalNumbers, .muonAdjustment: return nil
        }
    }
}

/// Muon's `adjust_lr_fn`: the factor its rate is multiplied by for an A x B matrix.
public enum MuonLearningRateAdjustment: String, CaseIterable, Sendable {
    /// √max(1, A / B), Keller Jordan's original (torch's default, `None` or "original").
    case original
    /// 0.2 √max(A, B), Moonshot's, to match AdamW's update RMS ("match_rms_adamw").
    case matchRMSAdamW = "match_rms_adamw"
}
