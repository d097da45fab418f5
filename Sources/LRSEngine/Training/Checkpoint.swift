import Foundation
import LRSLanguage
import LRSOptim
import LRSRuntime

/// `save` and `checkpoint` files: the model's `state_dict()` under its PyTorch names, so
/// `load_state_dict` takes it, plus everything a run needs to continue exactly, as if it
/// had not stopped: optimizer state as `optimizer.PARAM.NAME` tensors (scalars such as
/// `step` as 0-d F64 tensors), and in `__metadata__` the schedules' state, the generator's
/// state, every group's current hyperparameters that schedules change, and the position.
public enum Checkpoint {
    static let formatKey = "lrs.format"
    static let positionKey = "lrs.position"
    static let schedulesKey = "lrs.schedules"
    static let generatorKey = "lrs.generator"
    static let groupsKey = "lrs.groups"

    struct Position: Codable { var epoch: Int; var step: Int }
    struct GroupValues: Codable { var lr: Double; var momentum: Double; var beta1: Double }

    /// The names of an optimizer's parameters in its state index order (torch's state_dict).
    static func parameterNames(_ state: TrainingState, optimizer index: Int) -> [String] {
        state.slots.enumerated().filter { $0.element.optimizer == index }
            .sorted { $0.element.group < $1.element.group }
            .flatMap { state.resolution.groups[$0.offset].parameters }
    }

    public static func file(of state: TrainingState) -> SafetensorsFile {
        var file = SafetensorsFile()
        StateDictLoading.stateDict(of: state.model, into: &file)
        let shapes = Dictionary(state.model.parameters.map { ($0.name, $0.parameter.shape) }, uniquingKeysWith: { a, _ in a })
        for (o, optimizer) in state.optimizers.enumerated() {
            let names = parameterNames(state, optimizer: o)
            for (index, saved) in optimizer.exportState().sorted(by: { $0.key < $1.key }) where index < names.count {
                let name = names[index]
                for (key, values) in saved.tensors.sorted(by: { $0.key < $1.key }) {
                    file.set("optimizer.\(name).\(key)", StoredTensor(floats: values, shape: shapes[name] ?? [values.count]))
                }
                for (key, value) in saved.scalars.sorted(by: { $0.key < $1.key }) {
                    file.set("optimizer.\(name).\(key)", StoredTensor(doubles: [value], shape: []))
                }
            }
        }
        var schedules: [String: ScheduleState] = [:]
        var groups: [String: GroupValues] = [:]
        for (i, group) in state.resolution.groups.enumerated() {
            if let schedule = state.schedules[i] { schedules[group.name] = schedule.state }
            let c = state.config(of: i)
            groups[group.name] = GroupValues(lr: c.learningRate, momentum: c.momentum, beta1: c.beta1)
        }
        file.metadata[formatKey] = "1"
        file.metadata[positionKey] = json(Position(epoch: state.epoch, step: state.step))
        file.metadata[schedulesKey] = json(schedules)
        file.metadata[generatorKey] = json(state.generator.state)
        file.metadata[groupsKey] = json(groups)
        return file
    }

    /// Writes the file atomically.
    public static func save(_ state: TrainingState, to path: String) throws {
        try file(of: state).write(to: path)
    }

    /// Puts a run back where a checkpoint left it. Everything is validated before anything
    /// changes; a file that does not belong to this script is refused with the reason.
    public static func restore(_ file: SafetensorsFile, into state: TrainingState) -> String? {
        guard file.metadata[formatKey] == "1",
              let position = decode(Position.self, file.metadata[positionKey]),
              let schedules = decode([String: ScheduleState].self, file.metadata[schedulesKey]),
              let generator = decode(RandomGeneratorState.self, file.metadata[generatorKey]),
              let groups = decode([String: GroupValues].self, file.metadata[groupsKey]),
              position.epoch >= 0, position.step >= 0
        else { return "not an lrs checkpoint (its __metadata__ lacks the run's state)" }

        // Optimizer state, per optimizer by index, checked by the optimizer before use.
        var perOptimizer: [[Int: SavedParameterState]] = []
        for o in state.optimizers.indices {
            var saved: [Int: SavedParameterState] = [:]
            for (index, name) in parameterNames(state, optimizer: o).enumerated() {
                let prefix = "optimizer.\(name)."
                var entry = SavedParameterState(tensors: [:], scalars: [:])
                for key in file.names where key.hasPrefix(prefix) {
                    let stateName = String(key.dropFirst(prefix.count))
                    guard let t = file[key] else { continue }
                    if t.shape.isEmpty, t.type == .f64 { entry.scalars[stateName] = t.doubles.first } else { entry.tensors[stateName] = t.floats }
                }
                if !entry.tensors.isEmpty || !entry.scalars.isEmpty { saved[index] = entry }
            }
            perOptimizer.append(saved)
        }
        var restoredSchedules = state.schedules
        for (i, group) in state.resolution.groups.enumerated() where restoredSchedules[i] != nil {
            guard let saved = schedules[group.name] else { return "it has no schedule state for group '\(group.name)'" }
            do { try restoredSchedules[i]!.restore(saved) } catch { return "group '\(group.name)': \(error.description)" }
        }
        guard state.resolution.groups.allSatisfy({ groups[$0.name] != nil }) else {
            return "its groups (\(groups.keys.sorted().joined(separator: ", "))) are not the script's"
        }
        let probe = RandomGenerator(seed: 0)
        guard probe.restore(generator) else { return "its random generator state is malformed" }

        if let problem = StateDictLoading.load(file, into: state.model) { return problem }
        for (o, optimizer) in state.optimizers.enumerated() {
            do { try optimizer.importState(perOptimizer[o]) } catch { return "optimizer state: \(error)" }
        }
        state.schedules = restoredSchedules
        for (i, group) in state.resolution.groups.enumerated() {
            let values = groups[group.name]!
            let slot = state.slots[i]
            state.optimizers[slot.optimizer].groups[slot.group].config.learningRate = values.lr
            state.optimizers[slot.optimizer].groups[slot.group].config.momentum = values.momentum
            state.optimizers[slot.optimizer].groups[slot.group].config.beta1 = values.beta1
        }
        _ = state.generator.restore(generator)
        state.epoch = position.epoch
        state.step = position.step
        return nil
    }

    private static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? decoder.decode(T.self, from: Data(text.utf8))
    }
}
