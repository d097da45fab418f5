import LRSFiles
import Foundation
import LRSHyperparameters
import LRSLanguage

/// What a run will need in memory, by part, checked against what the process can have
/// (`MemoryBudget`) before anything big is allocated, and refused at the statement
/// responsible for the largest part. Every figure is in bytes, saturating (never traps):
///
///   parameters  = sum(count) x (value + gradient + optimizer state slots) x 4 + buffers x 8
///                 state slots per kind: sgd 1 with momentum else 0; adam/adamw 2, 3 with
///                 amsgrad; rmsprop 1 (+1 momentum, +1 centered); adagrad 1; others 2. Groups
///                 are not resolved yet: every parameter is charged the largest state of
///                 any kind the script uses (an upper bound).
///   saving      = a `save` or `checkpoint` copies the state into the file's tensors, then
///                 into the file's bytes: 2 x parameters (without buffers)
///   data        = npy: the file's data bytes as read, plus 4 per element as float32, plus
///                 a copy of the inputs when `split` divides them; csv: 16 x the file's size
///                 (the text, a string per cell, a double per cell); synthetic: 4 x samples
///                 x input size + its prototypes in double; text: the file's bytes + 8 x
///                 samples x context (ids and targets as float32; twice when split)
///   activations = 4 x batch x (input x 3 + every layer's and residual's output x 3 + a conv's
///                 columns x 2 + an attention's q, k, v, context and head weights x 2):
///                 outputs, their gradients and a mask or normalised copy; the batch copies
///                 (layers inside blocks counted at every depth, each copy of a repeat)
///   predicates  = 4 x the largest parameter x 3, when a `where` reads `param`: its values,
///                 the copy handed to the predicate and one tensor the predicate makes
public enum MemoryEstimate {
    /// One part of the need and the statement responsible for it.
    public struct Part: Sendable {
        public let part: MemoryPart
        public let range: SourceRange?
    }

    /// Optimizer state tensors per parameter for a kind and its settings.
    public static func stateSlots(kind: OptimizerKind, settings: [HyperparameterSetting]) -> Int {
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
        case .sgd: return isOn("momentum") ? 1 : 0
        case .adam, .adamw: return isOn("amsgrad") ? 3 : 2
        case .rmsprop: return 1 + (isOn("momentum") ? 1 : 0) + (isOn("centered") ? 1 : 0)
        case .adagrad: return 1
        case .adadelta, .adamax, .nadam, .radam: return 2
        // Muon's momentum buffer; Adafactor's full variance for a vector (a matrix's factors
        // are smaller); ASGD's average.
        case .muon, .adafactor, .asgd: return 1
        case .rprop: return 2
        }
    }

    /// Parameters with their gradients and optimizer state, and the model's buffers.
    public static func bytes(for script: CheckedScript) -> Int {
        var total = 0
        let parameters = script.model.parameters
        // Per element: the value, its gradient and the optimizer's state (asked of every group once).
        let perElement = 4 * (2 + slots(script))
        for position in parameters.indices {
            total = add(total, multiply(parameters.elementCount(position), perElement))
        }
        for buffer in script.model.buffers { total = add(total, multiply(product(buffer.shape), 8)) }
        return total
    }

    /// Every part of the need, in the order the message lists them.
    public static func parts(for script: CheckedScript) -> [Part] {
        var parts: [Part] = [Part(part: MemoryPart("parameters with gradients and optimizer state", bytes: bytes(for: script)),
                                  range: script.model.range)]
        let savedFile = script.statements.lazy.compactMap { statement -> SourceRange? in
            switch statement {
            case .save(let file), .checkpoint(_, let file): return file.range
            default: return nil
            }
        }.first
        if let savedFile {
            let parameters = script.model.parameters
            let perElement = 4 * (1 + slots(script))
            let state = parameters.indices.reduce(0) { add($0, multiply(parameters.elementCount($1), perElement)) }
            parts.append(Part(part: MemoryPart("saving the state", bytes: multiply(state, 2)), range: savedFile))
        }
        let splits = script.statements.contains { if case .split = $0 { return true } else { return false } }
        for statement in script.statements {
            switch statement {
            case .data(let source), .validate(let source):
                parts.append(Part(part: MemoryPart("data", bytes: dataBytes(source, script: script, copied: splits)),
                                  range: source.range))
            default: break
            }
        }
        if let train = script.train {
            parts.append(Part(part: MemoryPart("activations for batch \(train.batch)", bytes: activationBytes(script, batch: train.batch)),
                              range: train.range))
        }
        let predicate = script.groups.first { $0.selector.usesPredicate }.map(\.range)
            ?? script.freezes.first { $0.selector.usesPredicate }.map(\.range)
        if let predicate {
            let parameters = script.model.parameters
            let largest = parameters.indices.map(parameters.elementCount).max() ?? 0
            parts.append(Part(part: MemoryPart("evaluating 'where' on initial values", bytes: multiply(largest, 12)),
                              range: predicate))
        }
        return parts
    }

    /// The bytes a data source takes as loaded.
    static func dataBytes(_ source: CheckedDataSource, script: CheckedScript, copied: Bool) -> Int {
        switch source.kind {
        case .npy:
            return source.files.reduce(0) { total, file in
                // The header alone; a file that cannot be read is reported when it is loaded.
                guard let header = try? NpyArray.read(path: file.path, loadingData: false),
                      let count = header.shape.checkedProduct else { return total }
                let size = header.element.size
                let floats = multiply(count, copied ? 8 : 4)
                return add(total, add(multiply(count, size), floats))
            }
        case .csv:
            return source.files.reduce(0) { add($0, multiply((try? FileBytes.size(of: $1.path)) ?? 0, 16)) }
        case .text:
            // The bytes, and each sample's ids and targets as floats.
            guard let file = source.files.first, let context = source.context,
                  let length = try? FileBytes.size(of: file.path) else { return 0 }
            let samples = TextData.sampleCount(length: length, context: context)
            return add(length, multiply(multiply(samples, context), copied ? 16 : 8))
        case .synthetic:
            let size = product(script.model.inputShape ?? [])
            let settings = SyntheticSettings(source)
            let samples = settings.samples, classes = settings.classes
            let inputs = multiply(multiply(samples, size), copied ? 8 : 4)
            return add(add(inputs, multiply(samples, 4)), multiply(multiply(classes, size), 8))
        }
    }

    /// The model's buffers for one batch: see the formula above.
    static func activationBytes(_ script: CheckedScript, batch: Int) -> Int {
        var perSample = multiply(product(script.model.inputShape ?? []), 3)
        // Every layer at any depth (section 12; a repeat's copies each hold their own), and
        // each residual's sum.
        for item in script.model.items {
            switch item.kind {
            case .layer, .residual: break
            case .sequence, .shortcut, .repeat: continue
            }
            perSample = add(perSample, multiply(product(item.outputShape ?? []), 3))
            if case let .conv(inChannels, _, kernel, _, _, _) = item.spec, let output = item.outputShape, output.count == 3 {
                let columns = multiply(multiply(multiply(inChannels, kernel), kernel), multiply(output[1], output[2]))
                perSample = add(perSample, multiply(columns, 2))
            }
            // Attention keeps q, k, v and the context ([T, 4 x dim]) and each head's weights
            // ([heads, T, T]) with their gradients.
            if case let .attention(dim, heads, _, _, _) = item.spec, let output = item.outputShape, output.count == 2 {
                let t = output[0]
                perSample = add(perSample, multiply(add(multiply(t, multiply(4, dim)), multiply(heads, multiply(t, t))), 2))
            }
        }
        return multiply(multiply(perSample, max(batch, 1)), 4)
    }

    /// The refusal when the need exceeds the budget, at the statement of the largest part.
    public static func check(_ script: CheckedScript, budget: @autoclosure () -> MemoryBudget?) -> Diagnostic? {
        // A model from a checkpoint is never built: `lrs run` refuses it (nor its budget read).
        guard script.model.file == nil, let budget = budget() else { return nil }
        let parts = parts(for: script)
        let needed = parts.reduce(0) { add($0, $1.part.bytes) }
        guard needed > budget.bytes else { return nil }
        let largest = parts.max { $0.part.bytes < $1.part.bytes }
        return .error(.memoryTooLarge(needed: needed, available: budget.bytes, parts: parts.map(\.part), limit: budget.limit),
                      at: largest?.range ?? script.model.range)
    }

    /// The largest state of any optimizer kind the script uses.
    private static func slots(_ script: CheckedScript) -> Int {
        var slots = stateSlots(kind: script.optimizer.kind, settings: script.optimizer.hyperparameters)
        for group in script.groups {
            slots = max(slots, stateSlots(kind: group.optimizerKind, settings: group.hyperparameters))
        }
        return slots
    }

    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    static func multiply(_ a: Int, _ b: Int) -> Int {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow || product < 0 ? Int.max : product
    }

    static func product(_ shape: [Int]) -> Int {
        shape.reduce(1) { multiply($0, max($1, 0)) }
    }

    /// This machine's physical memory in bytes (`sysconf`), or `nil` if unknown.
    public static func physicalMemory() -> Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : bytes
    }
}
