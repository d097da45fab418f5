import Foundation
import LRSLanguage

/// How much memory a model's training state needs, checked against this machine's
/// physical memory before anything is allocated.
///
/// bytes = sum over parameters of count x (value + gradient + optimizer state slots) x 4
///       + buffers x 4
/// with state slots per kind: sgd 1 with momentum else 0; adam/adamw 2, 3 with amsgrad;
/// rmsprop 1 (+1 momentum, +1 centered); adagrad 1; adadelta 2; adamax 2; nadam 2; radam 2.
/// Groups are not resolved yet, so every parameter is charged the largest state of any
/// kind the script uses (an upper bound).
public enum MemoryEstimate {
    /// Optimizer state tensors per parameter for a kind and its settings.
    public static func stateSlots(kind: String, settings: [HyperparameterSetting]) -> Int {
        func value(_ name: String) -> ArgumentValue? { settings.first { $0.name == name }?.value }
        func isOn(_ name: String) -> Bool {
            switch value(name) {
            case .bool(let b)?: return b
            case .number(let x)?: return x != 0
            case .expression?: return true
            default: return false
            }
        }
        switch kind {
        case "sgd": return isOn("momentum") ? 1 : 0
        case "adam", "adamw": return isOn("amsgrad") ? 3 : 2
        case "rmsprop": return 1 + (isOn("momentum") ? 1 : 0) + (isOn("centered") ? 1 : 0)
        case "adagrad": return 1
        default: return 2
        }
    }

    /// The estimate in bytes (saturating: never overflows).
    public static func bytes(for script: CheckedScript) -> Int {
        var slots = stateSlots(kind: script.optimizer.kind, settings: script.optimizer.hyperparameters)
        for group in script.groups {
            slots = max(slots, stateSlots(kind: group.optimizerKind, settings: group.hyperparameters))
        }
        var total = 0
        for parameter in script.model.parameters {
            let (perElement, o1) = (2 + slots).multipliedReportingOverflow(by: 4)
            let (bytes, o2) = parameter.count.multipliedReportingOverflow(by: perElement)
            let (sum, o3) = total.addingReportingOverflow(bytes)
            if o1 || o2 || o3 { return Int.max }
            total = sum
        }
        for buffer in script.model.buffers {
            let count = buffer.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max / 8 : $0 * $1 }
            let (sum, overflow) = total.addingReportingOverflow(count.multipliedReportingOverflow(by: 8).partialValue)
            if overflow { return Int.max }
            total = sum
        }
        return total
    }

    /// This machine's physical memory in bytes (`sysconf`), or `nil` if unknown.
    public static func physicalMemory() -> Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : bytes
    }

    /// An error when the estimate exceeds `available` bytes (default: physical memory).
    public static func check(_ script: CheckedScript, available: Int? = physicalMemory()) -> Diagnostic? {
        guard let available else { return nil }
        let needed = bytes(for: script)
        guard needed > available else { return nil }
        return .error(.memoryTooLarge(needed: needed, available: available), at: script.model.range)
    }
}
