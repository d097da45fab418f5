import LRSHyperparameters
import LRSRuntime

/// An optimizer of one kind over one or more parameter groups, with PyTorch's update rules,
/// lazily created state and update order.
///
/// A script whose groups use several kinds gets one `Optimizer` per kind, as PyTorch code
/// would. `step()` updates every parameter that has a gradient in one fused pass over its
/// value, gradient and state, split across cores for large totals.
public final class Optimizer {
    /// The update rule of every group.
    public let kind: OptimizerKind
    /// The groups; schedules change `config.learningRate`, `config.momentum` and
    /// `config.beta1` between steps, the engine sets each parameter's `grad`.
    public var groups: [ParamGroup] {
        didSet { matchStatesToGroups() }
    }
    /// State per group and parameter, nil until the parameter's first step.
    var states: [[ParameterState?]]
    /// Adafactor's room for a parameter's update, one per half of `runByParameter`.
    let updateSpaces = [UpdateSpace(), UpdateSpace()]

    /// An optimizer over `groups`, all of which must have `config.kind == kind`.
    public init(kind: OptimizerKind, groups: [ParamGroup]) {
        precondition(groups.allSatisfy { $0.config.kind == kind },
                     "Optimizer: a group of another kind than \(kind)")
        self.kind = kind
        self.groups = groups
        states = []
        matchStatesToGroups()
    }

    /// Gives every parameter a state slot after `groups` changed shape (groups or parameters
    /// added by the engine), keeping the state of parameters already there.
    private func matchStatesToGroups() {
        guard states.count != groups.count || zip(states, groups).contains(where: { $0.count != $1.parameters.count })
        else { return }
        states = groups.indices.map { g in
            let old = g < states.count ? states[g] : []
            return groups[g].parameters.indices.map { i in
                if i < old.count, let state = old[i] { return state }
                // Adagrad creates its state in its constructor, for every parameter of every group.
                return kind == .adagrad ? AdagradUpdate.makeState(groups[g].config, groups[g].parameters[i].value) : nil
            }
        }
    }

    /// Applies one step of the update rule to every parameter that has a gradient.
    ///
    /// Call `firstNonFiniteGradient()` first when gradients may hold NaN or infinity: this
    /// step would write them into the state.
    public func step() {
        switch kind {
        case .sgd: step(SGDUpdate.self)
        case .adam, .adamw: step(AdamUpdate.self)
        case .rmsprop: step(RMSpropUpdate.self)
        case .adagrad: step(AdagradUpdate.self)
        case .adadelta: step(AdadeltaUpdate.self)
        case .adamax: step(AdamaxUpdate.self)
        case .nadam: step(NAdamUpdate.self)
        case .radam: step(RAdamUpdate.self)
        case .asgd: step(ASGDUpdate.self)
        case .rprop: step(RpropUpdate.self)
        case .adafactor: stepAdafactor()
        case .muon: stepMuon()
        }
    }

    /// The serial prologue for every parameter, then the one parallel pass over memory.
    private func step<Update: ParameterUpdate>(_: Update.Type) {
        var updates: [Update] = []
        updates.reserveCapacity(groups.reduce(0) { $0 + $1.parameters.count })
        forEachParameterWithGradient { config, state, value, grad in
            updates.append(Update(config, state, value, grad))
        }
        updates.withUnsafeBufferPointer { updates in
            ParallelRanges.run(counts: updates.map(\.count)) { item, range in
                updates[item].run(range)
            }
        }
    }

    /// The state of a parameter, created as PyTorch creates it at the parameter's first step.
    func stateOf(group g: Int, index i: Int, config: ParamGroupConfig, value: Tensor) -> ParameterState {
        if let state = states[g][i] { return state }
        let state: ParameterState
        switch kind {
        case .sgd: state = ParameterState()
        case .adam, .adamw: state = AdamUpdate.makeState(config, value)
        case .rmsprop: state = RMSpropUpdate.makeState(config, value)
        case .adagrad: state = AdagradUpdate.makeState(config, value)
        case .adadelta: state = AdadeltaUpdate.makeState(config, value)
        case .adamax: state = AdamaxUpdate.makeState(config, value)
        case .nadam: state = NAdamUpdate.makeState(config, value)
        case .radam: state = RAdamUpdate.makeState(config, value)
        case .asgd: state = ASGDUpdate.makeState(config, value)
        case .rprop: state = RpropUpdate.makeState(config, value)
        case .adafactor: state = AdafactorUpdate.makeState(config, value)
        case .muon: state = MuonUpdate.makeState(config, value)
        }
        states[g][i] = state
        return state
    }
}

extension Optimizer {
    /// Every parameter that has a gradient, in group order, with its group's configuration
    /// and its state (created on its first update, as PyTorch creates it): the serial
    /// prologue of every kind's step.
    func forEachParameterWithGradient(_ body: (ParamGroupConfig, ParameterState, Tensor, Tensor) -> Void) {
        for g in groups.indices {
            let config = groups[g].config
            for i in groups[g].parameters.indices {
                guard let grad = groups[g].parameters[i].grad else { continue }
                let value = groups[g].parameters[i].value
                precondition(grad.count == value.count,
                             "Optimizer.step: gradient of \(grad.count) elements for a parameter of \(value.count)")
                body(config, stateOf(group: g, index: i, config: config, value: value), value, grad)
            }
        }
    }
}
