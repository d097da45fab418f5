/// One finished epoch, as the epoch line shows it.
public struct EpochReport: Sendable {
    /// Epochs completed after this one (1 for the first).
    public let epoch: Int
    public let epochs: Int
    public let meanLoss: Double
    public let accuracy: Double?
    public let validationLoss: Double?
    public let validationAccuracy: Double?
    /// The rates the epoch's optimizer steps used, by group (as the trace records them),
    /// not those the schedules gave after its last step.
    public let rates: [EpochRate]
    public let seconds: Double
}

/// A group's learning rate over one epoch: its first step's and its last step's, equal
/// unless a per-step schedule moved it within the epoch.
public struct EpochRate: Sendable, Equatable {
    public let group: String
    public let first: Double
    public let last: Double

    public init(group: String, first: Double, last: Double) {
        self.group = group
        self.first = first
        self.last = last
    }
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
