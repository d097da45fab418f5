import Foundation
import LRSHyperparameters
import LRSOptim
import LRSRuntime

/// A reference case computed by PyTorch (Tests/Fixtures/optim/make_fixtures.py): initial
/// parameters, recorded gradients, per-step group rates, and the parameters and state
/// torch's optimizer reached.
struct OptimizerFixture: Decodable {
    struct Group: Decodable {
        let params: [Int]
        let config: [String: Setting]
    }

    /// A hyperparameter as torch's param_groups hold it: a number, a flag, a tuple (`betas`,
    /// `etas`, `ns_coefficients`), a tuple whose first value may be None (adafactor's `eps`)
    /// or a word (`adjust_lr_fn`).
    enum Setting: Decodable {
        case number(Double), flag(Bool), pair([Double]), optionals([Double?]), word(String)
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let flag = try? container.decode(Bool.self) { self = .flag(flag) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let pair = try? container.decode([Double].self) { self = .pair(pair) }
            else if let optionals = try? container.decode([Double?].self) { self = .optionals(optionals) }
            else { self = .word(try container.decode(String.self)) }
        }
    }

    /// A state entry: a tensor, or a scalar such as `step`.
    enum StateValue: Decodable {
        case scalar(Double), tensor([Float])
        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .scalar(number) }
            else { self = .tensor(try container.decode([Float].self)) }
        }
    }

    let name: String
    let kind: String
    let steps: Int
    let groups: [Group]
    let shapes: [[Int]]
    let init_: [[Float]]
    let grads: [[[Float]?]]
    let schedule: [[[String: Double]]]?
    let final: [[Float]]
    let state: [String: [String: StateValue]]

    enum CodingKeys: String, CodingKey {
        case name, kind, steps, groups, shapes, grads, schedule, final, state
        case init_ = "init"
    }

    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/optim/cases")

    /// The names of every committed case.
    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    static func load(_ name: String) throws -> OptimizerFixture {
        let data = try Data(contentsOf: folder.appendingPathComponent(name + ".json"))
        return try JSONDecoder().decode(OptimizerFixture.self, from: data)
    }

    /// The group's configuration, PyTorch's names mapped to the Swift fields.
    static func config(kind: OptimizerKind, _ settings: [String: Setting]) throws -> ParamGroupConfig {
        var config = ParamGroupConfig(kind: kind, learningRate: 0)
        for (name, setting) in settings {
            switch (name, setting) {
            case ("lr", .number(let x)): config.learningRate = x
            case ("momentum", .number(let x)): config.momentum = x
            case ("dampening", .number(let x)): config.dampening = x
            case ("nesterov", .flag(let x)): config.nesterov = x
            case ("betas", .pair(let x)) where x.count == 2: config.beta1 = x[0]; config.beta2 = x[1]
            case ("eps", .number(let x)): config.eps = x
            case ("weight_decay", .number(let x)): config.weightDecay = x
            case ("amsgrad", .flag(let x)): config.amsgrad = x
            case ("maximize", .flag(let x)): config.maximize = x
            case ("alpha", .number(let x)): config.alpha = x
            case ("centered", .flag(let x)): config.centered = x
            case ("lr_decay", .number(let x)): config.lrDecay = x
            case ("initial_accumulator_value", .number(let x)): config.initialAccumulatorValue = x
            case ("rho", .number(let x)): config.rho = x
            case ("momentum_decay", .number(let x)): config.momentumDecay = x
            case ("decoupled_weight_decay", .flag(let x)): config.decoupledWeightDecay = x
            case ("lambd", .number(let x)): config.lambd = x
            case ("t0", .number(let x)): config.t0 = x
            case ("etas", .pair(let x)) where x.count == 2: config.etaMinus = x[0]; config.etaPlus = x[1]
            case ("step_sizes", .pair(let x)) where x.count == 2: config.stepSizeMin = x[0]; config.stepSizeMax = x[1]
            case ("beta2_decay", .number(let x)): config.beta2Decay = x
            case ("eps", .pair(let x)) where x.count == 2: config.eps1 = x[0]; config.eps2 = x[1]
            case ("eps", .optionals(let x)) where x.count == 2 && x[1] != nil: config.eps1 = x[0]; config.eps2 = x[1]!
            case ("d", .number(let x)): config.clippingThreshold = x
            case ("ns_coefficients", .pair(let x)) where x.count == 3: config.nsCoefficients = SIMD3(x[0], x[1], x[2])
            case ("ns_steps", .number(let x)): config.nsSteps = Int(x)
            case ("adjust_lr_fn", .word(let x)):
                guard let adjustment = MuonLearningRateAdjustment(rawValue: x) else { throw FixtureError.unknownSetting(x) }
                config.adjustLearningRate = adjustment
            case ("initial_lr", _): break
            default: throw FixtureError.unknownSetting(name)
            }
        }
        return config
    }

    enum FixtureError: Error { case unknownSetting(String), unknownKind(String) }

    /// Fresh parameters at their initial values, and an optimizer over them as the case groups them.
    func makeOptimizer() throws -> (Optimizer, [Tensor]) {
        guard let kind = OptimizerKind(rawValue: kind) else { throw FixtureError.unknownKind(self.kind) }
        let values = zip(shapes, init_).map { Tensor(shape: $0, values: $1) }
        let paramGroups = try groups.map { group in
            ParamGroup(config: try Self.config(kind: kind, group.config),
                       parameters: group.params.map { OptimizerParameter(value: values[$0], grad: nil) })
        }
        return (Optimizer(kind: kind, groups: paramGroups), values)
    }

    /// Fresh parameters and their optimizer, after every recorded step.
    func run() throws -> (Optimizer, [Tensor]) {
        let (optimizer, values) = try makeOptimizer()
        for step in 0..<steps {
            prepare(optimizer, step: step)
            optimizer.step()
        }
        return (optimizer, values)
    }

    /// Sets the recorded gradients and the schedule's values of step `step`.
    func prepare(_ optimizer: Optimizer, step: Int) {
        for g in optimizer.groups.indices {
            if let row = schedule?[step][g] {
                if let lr = row["lr"] { optimizer.groups[g].config.learningRate = lr }
                if let momentum = row["momentum"] { optimizer.groups[g].config.momentum = momentum }
                if let beta1 = row["beta1"] { optimizer.groups[g].config.beta1 = beta1 }
            }
            for (i, index) in groups[g].params.enumerated() {
                let grad = grads[step][index].map { Tensor(shape: shapes[index], values: $0) }
                optimizer.groups[g].parameters[i].grad = grad
            }
        }
    }
}
