/// One finished epoch, as the epoch line shows it.
public struct EpochReport: Sendable {
    /// Epochs completed after this one (1 for the first).
    public let epoch: Int
    public let epochs: Int
    public let meanLoss: Double
    public let accuracy: Double?
    public let validationLoss: Double?
    public let validationAccuracy: Double?
    /// Rates in force at the end of the epoch, by group.
    public let rates: [(group: String, lr: Double)]
    public let seconds: Double
}

/// What a training run tells the outside while it runs; the command line and the REPL
/// print it. Phases never print themselves.
public protocol TrainingObserver: AnyObject {
    /// After every optimizer step: the batch just done (from 1) of the epoch's `batches`.
    func batchFinished(_ batch: Int, of batches: Int)
    func epochFinished(_ report: EpochReport)
    /// Asked at every batch boundary; true stops the run there (Ctrl-C in the REPL).
    func shouldStop() -> Bool
}

extension TrainingObserver {
    public func batchFinished(_ batch: Int, of batches: Int) {}
    public func shouldStop() -> Bool { false }
}
