import LRSFiles
import Foundation
import LRSOptim
import LRSRuntime

extension Checkpoint {
    /// Puts a run back where a checkpoint left it. A checkpoint is untrusted input: everything
    /// is validated before anything changes, and a file that does not belong to this script
    /// is refused with the reason. `lastEpoch` (the script's `train epochs`, when resuming a
    /// script) bounds the position; the REPL's own snapshots pass nil, as it trains on.
    public static func restore(_ file: SafetensorsFile, into state: TrainingState,
                               lastEpoch: Int? = nil) -> CheckpointProblem? {
        do throws(CheckpointProblem) {
            try restoreChecked(file, into: state, lastEpoch: lastEpoch)
            return nil
        } catch {
            return error
        }
    }

    private static func restoreChecked(_ file: SafetensorsFile, into state: TrainingState,
                                       lastEpoch: Int?) throws(CheckpointProblem) {
        guard let format = file.metadata[formatKey] else { throw .notACheckpoint }
        guard format == "1" else { throw .unknownFormat(format) }
        let position = try decodePosition(file)
        if let lastEpoch, position.epoch > lastEpoch { throw .pastTheRun(epoch: position.epoch, lastEpoch: lastEpoch) }
        let schedules = try metadata([String: ScheduleState].self, file, schedulesKey,
                                     expected: "an object of each group's schedule state")
        let generator = try metadata(RandomGeneratorState.self, file, generatorKey,
                                     expected: "the generator's seed, words and index")
        let groups = try metadata([String: GroupValues].self, file, groupsKey,
                                  expected: "an object of each group's lr, momentum and beta1")

        var restoredSchedules = state.schedules
        for (i, group) in state.resolution.groups.enumerated() {
            guard var schedule = restoredSchedules[i] else { continue }
            guard let saved = schedules[group.name] else { throw .missingSchedule(group: group.name) }
            if let kind = saved.kind, kind != schedule.kind {
                throw .scheduleKind(group: group.name, saved: kind, script: schedule.kind)
            }
            do {
                try schedule.restore(saved)
            } catch {
                if case .stateMismatch(let reason) = error { throw .scheduleState(group: group.name, reason: reason) }
                throw .scheduleState(group: group.name, reason: error.description)
            }
            restoredSchedules[i] = schedule
        }
        let restoredHyperparameterSchedules = try hyperparameterSchedules(file, state)
        let names = state.resolution.groups.map(\.name)
        guard names.allSatisfy({ groups[$0] != nil }) else { throw .groupsDiffer(saved: groups.keys.sorted()) }
        for name in names {
            guard let values = groups[name] else { continue }
            for (label, value) in [("lr", values.lr), ("momentum", values.momentum), ("beta1", values.beta1)]
            where !value.isFinite {
                throw .invalidGroupValue(group: name, name: label, value: CheckpointProblem.number(value))
            }
        }
        guard RandomGenerator(state: generator) != nil else { throw .malformedGenerator }
        let optimizerStates = try optimizerStates(file, state)

        // Everything is known to fit: change the run.
        if let problem = StateDictLoading.load(file, into: state.model) { throw .modelState(problem) }
        for (o, optimizer) in state.optimizers.enumerated() {
            do {
                try optimizer.importState(optimizerStates[o])
            } catch {
                // Checked above in words; kept as a backstop, still in words.
                throw .modelState("its optimizer state does not fit the script's \(optimizer.kind.rawValue) optimizer")
            }
        }
        state.schedules = restoredSchedules
        state.hyperparameterSchedules = restoredHyperparameterSchedules
        for (i, group) in state.resolution.groups.enumerated() {
            guard let values = groups[group.name] else { continue }
            let slot = state.slots[i]
            state.optimizers[slot.optimizer].groups[slot.group].config.learningRate = values.lr
            state.optimizers[slot.optimizer].groups[slot.group].config.momentum = values.momentum
            state.optimizers[slot.optimizer].groups[slot.group].config.beta1 = values.beta1
            state.applyHyperparameterSchedules(i)
        }
        _ = state.generator.restore(generator)
        state.epoch = position.epoch
        state.step = position.step
        state.applyUnfreezing()
    }

    /// The `weight_decay` and `momentum` schedules, restored from their saved state (checked,
    /// nothing changed yet); the file must hold one for each the script has.
    private static func hyperparameterSchedules(_ file: SafetensorsFile, _ state: TrainingState)
        throws(CheckpointProblem) -> [[HyperparameterSchedule]] {
        var restored = state.hyperparameterSchedules
        guard restored.contains(where: { !$0.isEmpty }) else { return restored }
        let saved = try metadata([String: [String: ScheduleState]].self, file, hyperparameterSchedulesKey,
                                 expected: "an object of each group's weight_decay and momentum schedule states")
        for (i, group) in state.resolution.groups.enumerated() {
            for position in restored[i].indices {
                let name = restored[i][position].hyperparameter.rawValue
                let label = "\(group.name)' ('\(name)"
                guard let entry = saved[group.name]?[name] else { throw .missingSchedule(group: label) }
                if let kind = entry.kind, kind != restored[i][position].schedule.kind {
                    throw .scheduleKind(group: label, saved: kind, script: restored[i][position].schedule.kind)
                }
                do {
                    try restored[i][position].schedule.restore(entry)
                } catch {
                    if case .stateMismatch(let reason) = error { throw .scheduleState(group: label, reason: reason) }
                    throw .scheduleState(group: label, reason: error.description)
                }
            }
        }
        return restored
    }

    /// Both numbers of the position, whole and within 0...2^53, so that counting on from
    /// them can neither trap nor lose exactness.
    private static func decodePosition(_ file: SafetensorsFile) throws(CheckpointProblem) -> Position {
        let fields = try metadata([String: Double].self, file, positionKey, expected: #"{"epoch": N, "step": N}"#)
        var whole: [String: Int] = [:]
        for field in ["epoch", "step"] {
            guard let value = fields[field] else {
                throw .malformedMetadata(key: positionKey, isJSON: true, expected: #"{"epoch": N, "step": N}"#)
            }
            guard value >= 0, value <= 9_007_199_254_740_992, let integer = Int(exactly: value) else {
                throw .invalidPosition(field: field, value: CheckpointProblem.number(value))
            }
            whole[field] = integer
        }
        return Position(epoch: whole["epoch"] ?? 0, step: whole["step"] ?? 0)
    }

    /// One JSON value of `__metadata__`, telling apart missing, not JSON and the wrong form.
    private static func metadata<T: Decodable>(_ type: T.Type, _ file: SafetensorsFile, _ key: String,
                                               expected: String) throws(CheckpointProblem) -> T {
        guard let text = file.metadata[key] else { throw .missingMetadata(key: key) }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        if let value = try? decoder.decode(T.self, from: Data(text.utf8)) { return value }
        let isJSON = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
        throw .malformedMetadata(key: key, isJSON: isJSON, expected: expected)
    }

    /// Each optimizer's saved state by parameter index, checked against the parameters:
    /// every state name one the kind keeps, tensors shaped exactly as their parameter (or as
    /// `Optimizer.stateShape` reduces it, for Adafactor's factors; a
    /// transposed state has the right element count, and would train on silently), scalars
    /// whole counts that float32 holds exactly, and no state for parameters it does not train.
    private static func optimizerStates(_ file: SafetensorsFile, _ state: TrainingState)
        throws(CheckpointProblem) -> [[Int: SavedParameterState]] {
        let shapes = Dictionary(state.model.parameters.map { ($0.name, $0.parameter.shape) }, uniquingKeysWith: { a, _ in a })
        var used = Set<String>()
        var perOptimizer: [[Int: SavedParameterState]] = []
        for (o, optimizer) in state.optimizers.enumerated() {
            let kind = optimizer.kind.rawValue
            let kept = (optimizer.tensorNames.union(optimizer.scalarNames)).sorted()
            var saved: [Int: SavedParameterState] = [:]
            for (index, name) in parameterNames(state, optimizer: o).enumerated() {
                let prefix = "optimizer.\(name)."
                var entry = SavedParameterState(tensors: [:], scalars: [:])
                // A dot in the rest would make it the state of a longer parameter name.
                for key in file.names where key.hasPrefix(prefix) && !key.dropFirst(prefix.count).contains(".") {
                    guard let tensor = file[key] else { continue }
                    let stateName = String(key.dropFirst(prefix.count))
                    used.insert(key)
                    if optimizer.scalarNames.contains(stateName) {
                        guard tensor.count == 1, tensor.shape.isEmpty || tensor.shape == [1] else {
                            throw .optimizerStateShape(state: stateName, parameter: name, saved: tensor.shape, expected: [])
                        }
                        let value = tensor.doubles.first ?? .nan
                        let rule = stateName == "step" ? "a whole number from 0 that float32 holds exactly" : "a finite float32 value"
                        let fits = value.isFinite && Double(Float(value)) == value
                            && (stateName != "step" || (value >= 0 && value.rounded() == value))
                        guard fits else {
                            throw .invalidOptimizerScalar(state: stateName, parameter: name,
                                                          value: CheckpointProblem.number(value), rule: rule)
                        }
                        entry.scalars[stateName] = value
                    } else if optimizer.tensorNames.contains(stateName) {
                        // Adafactor's factors are the parameter's shape with one dimension 1.
                        let parameterShape = shapes[name] ?? []
                        let expected = Optimizer.stateShape(stateName, parameterShape: parameterShape)
                        guard tensor.shape == expected else {
                            if expected != parameterShape {
                                throw .factoredStateShape(state: stateName, parameter: name, saved: tensor.shape,
                                                          expected: expected, parameterShape: parameterShape)
                            }
                            throw .optimizerStateShape(state: stateName, parameter: name, saved: tensor.shape, expected: expected)
                        }
                        guard tensor.type == .f32 || tensor.type == .f64 else {
                            throw .optimizerStateType(state: stateName, parameter: name, type: tensor.type.rawValue)
                        }
                        entry.tensors[stateName] = tensor.floats
                    } else {
                        throw .unknownOptimizerState(state: stateName, parameter: name, optimizer: kind, kept: kept)
                    }
                }
                if !entry.tensors.isEmpty || !entry.scalars.isEmpty { saved[index] = entry }
            }
            perOptimizer.append(saved)
        }
        if let stray = file.names.first(where: { $0.hasPrefix("optimizer.") && !used.contains($0) }) {
            throw .strayOptimizerState(key: stray)
        }
        return perOptimizer
    }
}
