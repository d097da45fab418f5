/// The rate of every group for every optimizer step of a run, without training:
/// what `lrs schedule` renders. Groups are in declaration order.
public struct RateTable: Sendable {
    public let groups: [String]
    public let epochs: Int
    public let stepsPerEpoch: Int
    /// Rates row-major: `rates[step * groups.count + group]` is in force for that step.
    public let rates: [Double]
    /// Groups whose `plateau` schedule is held constant (it needs losses).
    public let heldConstant: [String]

    /// Optimizer steps in the table.
    public var steps: Int { epochs * stepsPerEpoch }

    /// The rate of group `group` (its index) in force for optimizer step `step`.
    public func lr(step: Int, group: Int) -> Double {
        rates[step * groups.count + group]
    }

    /// The largest table `compute` builds (cells = steps x groups).
    public static let maximumCells = 1 << 28

    /// One row of input: a group, its configured rate, its schedule if any, and whether
    /// that schedule steps after every optimizer step (`per step`) or after each epoch.
    public struct Group: Sendable {
        public var name: String
        public var lr: Double
        public var schedule: GroupSchedule?
        public var perStep: Bool

        public init(name: String, lr: Double, schedule: GroupSchedule?, perStep: Bool) {
            self.name = name
            self.lr = lr
            self.schedule = schedule
            self.perStep = perStep
        }
    }

    /// A failure while computing the table, with where it happened.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var group: String?
        public var epoch: Int
        public var step: Int
        public var error: ScheduleError

        public var description: String {
            let place = group.map { "group '\($0)', " } ?? ""
            return "\(place)epoch \(epoch), step \(step): \(error)"
        }
    }

    /// Runs the contract's loop (section 9) for `epochs` x `stepsPerEpoch` optimizer steps:
    /// record every group's rate, then step the per-step schedules; after an epoch's last
    /// step, step the per-epoch ones. `plateau` is held constant.
    public static func compute(_ input: [Group], epochs: Int, stepsPerEpoch: Int) throws(Failure) -> RateTable {
        let names = input.map(\.name)
        let (steps, o1) = max(epochs, 0).multipliedReportingOverflow(by: max(stepsPerEpoch, 0))
        let (cells, o2) = steps.multipliedReportingOverflow(by: names.count)
        guard !o1, !o2, cells <= maximumCells else {
            throw Failure(group: nil, epoch: epochs, step: 0,
                          error: .invalidArgument(schedule: "schedule table", message: "too many rows (more than \(maximumCells) rates)"))
        }
        let width = names.count
        var schedules = input.map(\.schedule)
        let held = input.filter { $0.schedule?.needsMetric == true }.map(\.name)
        let fixed = input.map { $0.schedule == nil || $0.schedule?.needsMetric == true }
        let perStep = input.map(\.perStep)
        var rates = [Double](repeating: 0, count: cells)
        try rates.withUnsafeMutableBufferPointer { (out) throws(Failure) in
            var step = 0
            for epoch in 0..<max(epochs, 0) {
                for _ in 0..<max(stepsPerEpoch, 0) {
                    let row = step * width
                    for g in 0..<width {
                        let lr = schedules[g]?.lr ?? input[g].lr
                        guard lr.isFinite && lr >= 0 else {
                            throw Failure(group: names[g], epoch: epoch, step: step, error: .invalidRate(lr))
                        }
                        out[row + g] = lr
                    }
                    for g in 0..<width where perStep[g] && !fixed[g] {
                        do throws(ScheduleError) { try schedules[g]?.step() } catch {
                            throw Failure(group: names[g], epoch: epoch, step: step, error: error)
                        }
                    }
                    step += 1
                }
                for g in 0..<width where !perStep[g] && !fixed[g] {
                    do throws(ScheduleError) { try schedules[g]?.step() } catch {
                        throw Failure(group: names[g], epoch: epoch, step: max(step - 1, 0), error: error)
                    }
                }
            }
        }
        return RateTable(checked: names, epochs: max(epochs, 0), stepsPerEpoch: max(stepsPerEpoch, 0),
                         rates: rates, heldConstant: held)
    }

    private init(checked groups: [String], epochs: Int, stepsPerEpoch: Int, rates: [Double], heldConstant: [String]) {
        self.groups = groups
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.rates = rates
        self.heldConstant = heldConstant
    }

    /// A table from rates computed elsewhere (tests, traces); `rates.count` must be
    /// `epochs * stepsPerEpoch * groups.count`.
    public init?(groups: [String], epochs: Int, stepsPerEpoch: Int, rates: [Double], heldConstant: [String] = []) {
        let (steps, o1) = epochs.multipliedReportingOverflow(by: stepsPerEpoch)
        let (cells, o2) = steps.multipliedReportingOverflow(by: groups.count)
        guard epochs >= 0, stepsPerEpoch >= 0, !o1, !o2, cells == rates.count else { return nil }
        self.groups = groups
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.rates = rates
        self.heldConstant = heldConstant
    }
}
