import LRSFiles
import LRSLanguage
import LRSOptim
import LRSRuntime

/// The contract's training loop (section 9), in PyTorch's order of operations: for each
/// batch forward, mean loss, backward, optimizer step, then the per-step schedules; after
/// the epoch's last batch, validation and the per-epoch schedules.
public final class Trainer {
    public let state: TrainingState
    public let data: RunData
    public let settings: CheckedTrain
    let loss: LossFunction
    public var trace: TraceWriter?
    /// Called after every `every` completed epochs (checkpoints).
    public var checkpoints: [(every: Int, write: (TrainingState) throws(Diagnostic) -> Void)] = []

    /// The epoch in progress between batches (nil between epochs): a caller that takes
    /// steps one at a time (the REPL) keeps it, and may hand it to a new Trainer.
    public var progress: EpochProgress?

    private var reserved = false
    private var batchInputs: [Int: Tensor] = [:]
    private var batchTargets: [Int: Tensor] = [:]

    public init(state: TrainingState, data: RunData, settings: CheckedTrain) throws(Diagnostic) {
        self.state = state
        self.data = data
        self.settings = settings
        loss = try LossFunction.choose(settings, data: data, outputShape: state.model.outputShape)
    }

    /// Optimizer steps per epoch for `samples` training samples in batches of `batch`.
    public static func stepsPerEpoch(samples: Int, batch: Int) -> Int {
        batch > 0 ? (samples + batch - 1) / batch : 0
    }

    /// Batches in an epoch (more than its optimizer steps under `accumulate`).
    public var batchesPerEpoch: Int { Trainer.stepsPerEpoch(samples: data.training.count, batch: max(1, settings.batch)) }

    /// Trains until `state.epoch == settings.epochs` (or `until`), one epoch at a time.
    /// Returns the reports of the epochs it ran; stops early, with the state consistent at
    /// a batch boundary, when the observer asks.
    @discardableResult
    public func run(until lastEpoch: Int? = nil, observer: TrainingObserver?) throws(Diagnostic) -> [EpochReport] {
        var reports: [EpochReport] = []
        let target = lastEpoch ?? settings.epochs
        reserveOnce()
        while state.epoch < target {
            guard let report = try runEpoch(observer: observer) else { break }
            reports.append(report)
            observer?.epochFinished(report)
            for checkpoint in checkpoints where checkpoint.every > 0 && state.epoch % checkpoint.every == 0 {
                try checkpoint.write(state)
            }
        }
        return reports
    }

    /// Sizes the model's buffers for the batch once per trainer.
    private func reserveOnce() {
        guard !reserved else { return }
        reserved = true
        state.model.reserve(batch: max(1, min(settings.batch, data.training.count)))
    }

    /// One epoch (or the rest of the one in progress); nil when stopped before its end.
    func runEpoch(observer: TrainingObserver?) throws(Diagnostic) -> EpochReport? {
        let outcome = try advance(maxSteps: nil, observer: observer)
        if outcome.stopped { throw .error(.interrupted(epoch: state.epoch, step: state.step), at: settings.range) }
        return outcome.report
    }

    /// What `advance` did: optimizer steps taken, the report of an epoch it finished, and
    /// whether the observer stopped it.
    public struct Advance: Sendable {
        public var steps = 0
        public var report: EpochReport?
        public var stopped = false
        /// The loss of the last batch taken.
        public var lastLoss: Double?
    }

    /// Takes up to `maxSteps` optimizer steps (nil: to the end of the epoch), starting an
    /// epoch when none is in progress and finishing it (validation, per-epoch schedules)
    /// when its last batch is done. Stops cleanly at a batch boundary when the observer
    /// asks; the epoch in progress then continues on the next call.
    public func advance(maxSteps: Int?, observer: TrainingObserver?) throws(Diagnostic) -> Advance {
        let train = data.training
        let n = train.count
        let batch = max(1, settings.batch)
        let batches = Trainer.stepsPerEpoch(samples: n, batch: batch)
        reserveOnce()
        // The shuffled order is drawn when the epoch starts, as DataLoader's iterator does.
        var epoch = progress ?? EpochProgress(order: settings.shuffle ? state.generator.shuffledOrder(n) : Array(0 ..< n))
        progress = epoch
        var outcome = Advance()
        let model = state.model
        model.train()
        // `freeze ... until epoch N`: whether they train is the epoch's, set as it runs.
        state.applyUnfreezing()
        // `accumulate K`: one optimizer step per run of K batches (the epoch's last run may
        // be shorter), each batch's mean loss divided by K.
        let run = max(1, settings.accumulate)
        let trained = settings.clip == nil ? [] : model.parameters.filter { $0.1.requiresGrad }.map { $0.1.grad }
        while epoch.nextBatch < batches {
            if let maxSteps, outcome.steps >= maxSteps { return outcome }
            if observer?.shouldStop() == true {
                outcome.stopped = true
                return outcome
            }
            try state.checkRates()
            let rates = state.rates
            epoch.noteRates(rates)
            model.zeroGrad()
            let first = epoch.nextBatch, end = min(batches, first + run)
            var stepLoss = 0.0
            for b in first ..< end {
                let rows = epoch.order[b * batch ..< min(n, (b + 1) * batch)]
                let (x, y) = gather(train, rows: rows)
                if let problem = model.trainingBatchProblem(batch: rows.count) {
                    throw .error(.batchNormSingleValue(layer: problem.layer, shape: ShapeText.text(problem.inputShape)),
                                 at: settings.range)
                }
                let output = model.forward(x)
                let gradient = model.outputGradient(batch: rows.count)
                let value = try loss.evaluate(output: output, targets: y, rows: rows, data: train, gradient: gradient,
                                              at: settings.range)
                guard value.isFinite else {
                    throw .error(.nonFiniteLoss(value.isNaN ? "NaN" : "infinite", epoch: state.epoch, step: state.step,
                                                rates: state.ratesText), at: settings.range)
                }
                if train.targets.hasClasses { epoch.correct += loss.correct(output: output, rows: rows, data: train) }
                if run > 1 { Trainer.scale(gradient, by: 1 / Float(run)) }
                model.backward(gradient)
                stepLoss += value
                epoch.total += value * Double(rows.count)
            }
            for optimizer in state.optimizers {
                if let bad = optimizer.firstNonFiniteGradient() {
                    let name = parameterName(optimizer, bad)
                    throw .error(.nonFiniteGradient(parameter: name, epoch: state.epoch, step: state.step,
                                                    rates: state.ratesText), at: settings.range)
                }
            }
            if let clip = settings.clip { GradientClipping.clip(trained, maxNorm: clip) }
            for optimizer in state.optimizers { optimizer.step() }
            let value = stepLoss / Double(end - first)
            trace?.record(epoch: state.epoch, step: state.step, loss: value, rates: rates, scheduled: state.scheduledValues)
            epoch.nextBatch = end
            outcome.steps += 1
            outcome.lastLoss = value
            state.step += 1
            progress = epoch
            try state.stepSchedules(perStep: true, metric: nil)
            observer?.batchFinished(end, of: batches)
        }
        let mean = n > 0 ? epoch.total / Double(n) : .nan
        var validationLoss: Double?
        var validationAccuracy: Double?
        if let validation = data.validation, validation.count > 0 {
            (validationLoss, validationAccuracy) = try evaluate(validation)
        }
        progress = nil
        state.epoch += 1
        state.applyUnfreezing()
        try state.stepSchedules(perStep: false, metric: validationLoss ?? mean)
        let seconds = (ContinuousClock.now - epoch.started) / .seconds(1)
        // Accuracy means something only for a classifier (mse on class indices is a regression).
        let hasClasses = train.classCount != nil && loss.isClassifier
        outcome.report = EpochReport(epoch: state.epoch, epochs: settings.epochs, meanLoss: mean,
                                     accuracy: hasClasses && n > 0
                                         ? Double(epoch.correct) / Double(n * train.targets.classesPerSample) : nil,
                                     validationLoss: validationLoss, validationAccuracy: validationAccuracy,
                                     rates: epoch.usedRates(else: state.rates), seconds: seconds)
        return outcome
    }

    /// `(loss / K).backward()`: the loss's gradient scaled before it flows back.
    private static func scale(_ tensor: Tensor, by factor: Float) {
        let data = tensor.data
        for i in 0 ..< tensor.count { data[i] *= factor }
    }

    /// Mean loss (and accuracy) over a data set in evaluation mode, in batches, in order.
    public func evaluate(_ set: Dataset) throws(Diagnostic) -> (Double, Double?) {
        let model = state.model
        model.eval()
        defer { model.train() }
        let batch = max(1, settings.batch)
        var total = 0.0
        var correct = 0
        var start = 0
        while start < set.count {
            let rows = start ..< min(set.count, start + batch)
            let (x, y) = gather(set, rows: rows)
            let output = model.forward(x)
            let value = try loss.evaluate(output: output, targets: y, rows: rows, data: set, gradient: nil, at: settings.range)
            total += value * Double(rows.count)
            if set.targets.hasClasses { correct += loss.correct(output: output, rows: rows, data: set) }
            start += batch
        }
        let accuracy: Double? = set.classCount != nil && loss.isClassifier
            ? Double(correct) / Double(set.count * set.targets.classesPerSample) : nil
        return (total / Double(set.count), accuracy)
    }

    /// The batch's inputs (and float targets) copied into tensors reused across steps.
    private func gather<Rows: Collection<Int>>(_ set: Dataset, rows: Rows) -> (Tensor, Tensor?) {
        let count = rows.count
        let size = set.sampleSize
        let x = batchInputs[count] ?? Tensor(zeros: [count] + set.sampleShape)
        batchInputs[count] = x
        set.inputs.withUnsafeBufferPointer { source in
            for (i, row) in rows.enumerated() {
                (x.data + i * size).update(from: source.baseAddress! + row * size, count: size)
            }
        }
        guard case .values(let values, let width) = set.targets else { return (x, nil) }
        let y = batchTargets[count] ?? Tensor(zeros: [count, width])
        batchTargets[count] = y
        values.withUnsafeBufferPointer { source in
            for (i, row) in rows.enumerated() {
                (y.data + i * width).update(from: source.baseAddress! + row * width, count: width)
            }
        }
        return (x, y)
    }

    private func parameterName(_ optimizer: Optimizer, _ bad: NonFiniteGradient) -> String {
        guard let index = state.optimizers.firstIndex(where: { $0 === optimizer }),
              let g = state.slots.firstIndex(where: { $0.optimizer == index && $0.group == bad.group }),
              bad.parameter < state.resolution.groups[g].parameters.count
        else { return "?" }
        return state.resolution.groups[g].parameters[bad.parameter]
    }
}

/// Where an epoch stands between two batches: the order its batches are drawn in, the
/// next batch, and the sums its report needs.
public struct EpochProgress: Sendable {
    public let order: [Int]
    public internal(set) var nextBatch = 0
    var total = 0.0
    var correct = 0
    let started = ContinuousClock.now
    /// The rates of the epoch's first and latest steps, by group: what its line shows.
    var firstRates: [(group: String, lr: Double)] = []
    var lastRates: [(group: String, lr: Double)] = []

    init(order: [Int]) { self.order = order }

    /// Records the rates a step is about to use.
    mutating func noteRates(_ rates: [(group: String, lr: Double)]) {
        if firstRates.isEmpty { firstRates = rates }
        lastRates = rates
    }

    /// The rates the epoch's steps used; `fallback` (the rates in force) for an epoch
    /// without steps.
    func usedRates(else fallback: [(group: String, lr: Double)]) -> [EpochRate] {
        guard firstRates.count == lastRates.count, !firstRates.isEmpty else {
            return fallback.map { EpochRate(group: $0.group, first: $0.lr, last: $0.lr) }
        }
        return zip(firstRates, lastRates).map { EpochRate(group: $0.group, first: $0.lr, last: $1.lr) }
    }
}
