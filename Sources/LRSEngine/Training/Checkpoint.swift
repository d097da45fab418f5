import LRSFiles
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
    /// Each group's `weight_decay` and `momentum` schedules' state; only when a script has them.
    static let hyperparameterSchedulesKey = "lrs.hyperparameter_schedules"

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
                    let shape = shapes[name].map { Optimizer.stateShape(key, parameterShape: $0) } ?? [values.count]
                    file.set("optimizer.\(name).\(key)", StoredTensor(floats: values, shape: shape))
                }
                for (key, value) in saved.scalars.sorted(by: { $0.key < $1.key }) {
                    file.set("optimizer.\(name).\(key)", StoredTensor(doubles: [value], shape: []))
                }
            }
        }
        var schedules: [String: ScheduleState] = [:]
        var groups: [String: GroupValues] = [:]
        var hyperparameterSchedules: [String: [String: ScheduleState]] = [:]
        for (i, group) in state.resolution.groups.enumerated() {
            if let schedule = state.schedules[i] { schedules[group.name] = schedule.state }
            for scheduled in state.hyperparameterSchedules[i] {
                hyperparameterSchedules[group.name, default: [:]][scheduled.hyperparameter.rawValue] = scheduled.schedule.state
            }
            let c = state.config(of: i)
            groups[group.name] = GroupValues(lr: c.learningRate, momentum: c.momentum, beta1: c.beta1)
        }
        file.metadata[formatKey] = "1"
        file.metadata[positionKey] = json(Position(epoch: state.epoch, step: state.step))
        file.metadata[schedulesKey] = json(schedules)
        file.metadata[generatorKey] = json(state.generator.state)
        file.metadata[groupsKey] = json(groups)
        if !hyperparameterSchedules.isEmpty { file.metadata[hyperparameterSchedulesKey] = json(hyperparameterSchedules) }
        return file
    }

    /// Writes the file atomically.
    public static func save(_ state: TrainingState, to path: String) throws {
        try file(of: state).write(to: path)
    }

    private static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

}
