import LRSRuntime

/// Why saved optimizer state cannot be restored.
public enum OptimizerStateError: Error, Equatable {
    /// The index is no parameter of this optimizer (indices count parameters across groups).
    case unknownParameter(index: Int)
    /// A state name the optimizer's kind does not keep.
    case unknownStateName(index: Int, name: String)
    /// A state tensor whose element count differs from its parameter's.
    case wrongElementCount(index: Int, name: String, expected: Int, got: Int)
    /// A scalar that is not a float32 value the kind can hold (`step` a whole count >= 0).
    case invalidScalar(index: Int, name: String, value: Double)
}

extension Optimizer {
    /// The state names the kind keeps, PyTorch's spelling.
    public var tensorNames: Set<String> {
        switch kind {
        case .sgd: ["momentum_buffer"]
        case .adam, .adamw: ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"]
        case .rmsprop: ["square_avg", "momentum_buffer", "grad_avg"]
        case .adagrad: ["sum"]
        case .adadelta: ["square_avg", "acc_delta"]
        case .adamax: ["exp_avg", "exp_inf"]
        case .nadam, .radam: ["exp_avg", "exp_avg_sq"]
        case .muon: ["momentum_buffer"]
        case .adafactor: ["row_var", "col_var", "variance"]
        case .asgd: ["ax"]
        case .rprop: ["prev", "step_size"]
        }
    }

    /// The scalar state the kind keeps.
    public var scalarNames: Set<String> {
        switch kind {
        case .sgd, .muon: []
        case .nadam: ["step", "mu_product"]
        case .asgd: ["step", "eta", "mu"]
        default: ["step"]
        }
    }

    /// The shape of state `name` of a parameter shaped `shape`: the parameter's own, but for
    /// adafactor's factors, which reduce its last (`row_var`) or its second-to-last (`col_var`)
    /// dimension to 1, as torch's state_dict holds them. A checkpoint writer shapes the flat
    /// tensors of `exportState()` with it.
    public static func stateShape(_ name: String, parameterShape shape: [Int]) -> [Int] {
        var reduced = shape
        switch name {
        case "row_var" where shape.count >= 2: reduced[shape.count - 1] = 1
        case "col_var" where shape.count >= 2: reduced[shape.count - 2] = 1
        default: break
        }
        return reduced
    }

    /// Every parameter's position: index across groups, as in PyTorch's `state_dict()`.
    private var positions: [(group: Int, index: Int)] {
        groups.indices.flatMap { g in groups[g].parameters.indices.map { (g, $0) } }
    }

    /// The state of every parameter that has state, keyed by its index across groups (the
    /// numbering of PyTorch's `optimizer.state_dict()["state"]`), as copies.
    public func exportState() -> [Int: SavedParameterState] {
        var saved: [Int: SavedParameterState] = [:]
        for (flat, position) in positions.enumerated() {
            guard let state = states[position.group][position.index] else { continue }
            var tensors: [String: [Float]] = [:]
            for (name, tensor) in state.namedTensors { tensors[name] = tensor.values }
            var scalars: [String: Double] = [:]
            if scalarNames.contains("step") { scalars["step"] = Double(state.step) }
            if scalarNames.contains("mu_product") { scalars["mu_product"] = Double(state.muProduct) }
            if scalarNames.contains("eta") { scalars["eta"] = Double(state.eta) }
            if scalarNames.contains("mu") { scalars["mu"] = Double(state.mu) }
            // Plain SGD keeps no state at all, as torch's `optimizer.state` holds nothing for it.
            if tensors.isEmpty && scalars.isEmpty { continue }
            saved[flat] = SavedParameterState(tensors: tensors, scalars: scalars)
        }
        return saved
    }

    /// Replaces all state with `saved`, as exported by `exportState()` (possibly from a file).
    ///
    /// Validates everything before changing anything: on error the state is untouched.
    public func importState(_ saved: [Int: SavedParameterState]) throws(OptimizerStateError) {
        let positions = self.positions
        var restored = states.map { [ParameterState?](repeating: nil, count: $0.count) }
        for (flat, entry) in saved.sorted(by: { $0.key < $1.key }) {
            guard flat >= 0, flat < positions.count else { throw .unknownParameter(index: flat) }
            let (g, i) = positions[flat]
            let value = groups[g].parameters[i].value
            let state = ParameterState()
            for (name, values) in entry.tensors.sorted(by: { $0.key < $1.key }) {
                guard tensorNames.contains(name) else { throw .unknownStateName(index: flat, name: name) }
                let shape = Self.stateShape(name, parameterShape: value.shape)
                let expected = shape.reduce(1, *)
                guard values.count == expected else {
                    throw .wrongElementCount(index: flat, name: name, expected: expected, got: values.count)
                }
                _ = state.setTensor(Tensor(shape: shape, values: values), named: name)
            }
            for (name, number) in entry.scalars {
                guard scalarNames.contains(name) else { throw .unknownStateName(index: flat, name: name) }
                let single = Float(number)
                guard number.isFinite, Double(single) == number else {
                    throw .invalidScalar(index: flat, name: name, value: number)
                }
                if name == "step" {
                    guard number >= 0, number.rounded() == number else {
                        throw .invalidScalar(index: flat, name: name, value: number)
                    }
                    state.step = single
                } else if name == "eta" {
                    state.eta = single
                } else if name == "mu" {
                    state.mu = single
                } else {
                    state.muProduct = single
                }
            }
            restored[g][i] = state
        }
        // Adagrad's accumulators exist from construction on; a parameter saved without
        // them starts from the initial accumulator value, as a fresh optimizer would.
        if kind == .adagrad {
            for g in groups.indices {
                for i in groups[g].parameters.indices where restored[g][i]?.sum == nil {
                    let fresh = AdagradUpdate.makeState(groups[g].config, groups[g].parameters[i].value)
                    if let partial = restored[g][i] { partial.sum = fresh.sum } else { restored[g][i] = fresh }
                }
            }
        }
        states = restored
    }
}
