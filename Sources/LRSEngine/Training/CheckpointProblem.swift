import LRSFiles
import LRSLanguage

/// Why a checkpoint cannot continue this script's run. The wording lives in `description`,
/// which follows "cannot use 'FILE': " in the diagnostic.
public enum CheckpointProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `lrs.format` key: a safetensors file, but not one lrs wrote.
    case notACheckpoint
    case unknownFormat(String)
    case missingMetadata(key: String)
    /// The key's text is not JSON, or is JSON of another shape than `expected`.
    case malformedMetadata(key: String, isJSON: Bool, expected: String)
    /// `epoch` or `step` of the position is not a whole number from 0 to 2^53.
    case invalidPosition(field: String, value: String)
    case pastTheRun(epoch: Int, lastEpoch: Int)
    case missingSchedule(group: String)
    case scheduleState(group: String, reason: String)
    case scheduleKind(group: String, saved: String, script: String)
    case groupsDiffer(saved: [String])
    case invalidGroupValue(group: String, name: String, value: String)
    case malformedGenerator
    case modelState(String)
    case optimizerStateShape(state: String, parameter: String, saved: [Int], expected: [Int])
    /// Adafactor's factor of a matrix, shaped other than the parameter's shape reduced.
    case factoredStateShape(state: String, parameter: String, saved: [Int], expected: [Int], parameterShape: [Int])
    case optimizerStateType(state: String, parameter: String, type: String)
    case unknownOptimizerState(state: String, parameter: String, optimizer: String, kept: [String])
    case strayOptimizerState(key: String)
    case invalidOptimizerScalar(state: String, parameter: String, value: String, rule: String)

    public var description: String {
        switch self {
        case .notACheckpoint:
            return "not an lrs checkpoint (its __metadata__ has no 'lrs.format')"
        case .unknownFormat(let format):
            return "its format is '\(format)', and this lrs reads format '1'"
        case .missingMetadata(let key):
            return "its __metadata__ has no '\(key)'"
        case .malformedMetadata(let key, let isJSON, let expected):
            return "its '\(key)' metadata is \(isJSON ? "JSON of the wrong form" : "not valid JSON"): expected \(expected)"
        case .invalidPosition(let field, let value):
            return "its position has \(field) \(value), which is not a whole number from 0 to 2^53"
        case .pastTheRun(let epoch, let lastEpoch):
            return "it is at epoch \(epoch), past the script's last epoch (\(lastEpoch))"
        case .missingSchedule(let group):
            return "it has no schedule state for group '\(group)'"
        case .scheduleState(let group, let reason):
            return "the schedule of group '\(group)' cannot continue from it: \(reason)"
        case .scheduleKind(let group, let saved, let script):
            return "group '\(group)' was scheduled by '\(saved)' in the run that saved it, but the script's schedule is '\(script)'"
        case .groupsDiffer(let saved):
            return "its groups (\(saved.map { "'\($0)'" }.joined(separator: ", "))) are not the script's"
        case .invalidGroupValue(let group, let name, let value):
            return "group '\(group)' has \(name) \(value) in it, which is not a finite number"
        case .malformedGenerator:
            return "its random generator state is malformed (624 words and a position from 0 to 624 expected)"
        case .modelState(let reason):
            return reason
        case .optimizerStateShape(let state, let parameter, let saved, let expected):
            return "optimizer state '\(state)' of '\(parameter)' has shape \(ShapeText.text(saved)), but the parameter has \(ShapeText.text(expected))"
        case .factoredStateShape(let state, let parameter, let saved, let expected, let parameterShape):
            return "optimizer state '\(state)' of '\(parameter)' has shape \(ShapeText.text(saved)), "
                + "but for a parameter of \(ShapeText.text(parameterShape)) it is \(ShapeText.text(expected))"
        case .optimizerStateType(let state, let parameter, let type):
            return "optimizer state '\(state)' of '\(parameter)' is stored as \(type), which lrs does not read"
        case .unknownOptimizerState(let state, let parameter, let optimizer, let kept):
            let list = kept.isEmpty ? "keeps no state" : "keeps " + kept.map { "'\($0)'" }.joined(separator: ", ")
            return "optimizer state '\(state)' of '\(parameter)' is not one \(optimizer) keeps (it \(list))"
        case .strayOptimizerState(let key):
            return "it holds '\(key)', which is no state of a parameter the script's optimizers train"
        case .invalidOptimizerScalar(let state, let parameter, let value, let rule):
            return "optimizer state '\(state)' of '\(parameter)' is \(value), but it must be \(rule)"
        }
    }

    /// A number from the file in words: whole numbers without a fraction, NaN and
    /// infinities named, never a raw Swift value.
    static func number(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x < 0 ? "-infinity" : "infinity" }
        if let whole = Int(exactly: x) { return "\(whole)" }
        return "\(x)"
    }
}
