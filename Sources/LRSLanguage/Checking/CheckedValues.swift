/// A resolved argument or hyperparameter value.
public enum ArgumentValue: Sendable {
    case number(Double)
    case integer(Int)
    case integers([Int])
    case numbers([Double])
    /// Numbers where `nil` is PyTorch's None (adafactor's `eps none 1e-3`).
    case optionalNumbers([Double?])
    case bool(Bool)
    case symbol(String)
    case string(String)
    /// An expression evaluated later (a `lambda`, or a hyperparameter of an `each` group
    /// that reads `layer`, `layers`, `numel` or `ndim`). Boxed: inline, its 104 bytes would
    /// make every value that large, and every group holds a handful of plain numbers.
    indirect case expression(CompiledExpression)
    /// PyTorch's `None` (`step_size_down` unset, `stride` of a pool).
    case unset

    /// The value as a number, when it is one.
    public var number: Double? {
        switch self {
        case .number(let x): return x
        case .integer(let n): return Double(n)
        case .bool(let b): return b ? 1 : 0
        case .expression(let e): return e.constantValue
        default: return nil
        }
    }

    /// A short text for reports (`0.001`, `0.9 0.999`, `true`, `cos`, `lambda`).
    public var text: String {
        switch self {
        case .number(let x): return NumberText.display(x)
        case .integer(let n): return String(n)
        case .integers(let list): return Self.spaced(list.map(String.init))
        case .numbers(let list): return Self.spaced(list.map(NumberText.display))
        case .optionalNumbers(let list): return Self.spaced(list.map { $0.map(NumberText.display) ?? "none" })
        case .bool(let b): return b ? "true" : "false"
        case .symbol(let s): return s
        case .string(let s): return "\"\(s)\""
        case .expression(let e): return e.constantValue.map(NumberText.display) ?? "(expression)"
        case .unset: return "none"
        }
    }

    /// `words` with a space between each. Written out: the first `joined(separator:)` of a
    /// process costs a scan of every protocol conformance in the binary, tens of microseconds
    /// of an `lrs check` that prints a default `betas`.
    private static func spaced(_ words: [String]) -> String {
        var text = ""
        for (index, word) in words.enumerated() {
            if index > 0 { text += " " }
            text += word
        }
        return text
    }
}

/// Where a hyperparameter's value came from.
public enum ValueSource: String, Sendable {
    /// PyTorch's default for the optimizer kind.
    case `default`
    /// The `optimizer` statement.
    case optimizer
    /// The `group` statement.
    case group
}

/// One hyperparameter of a group or of the optimizer statement.
public struct HyperparameterSetting: Sendable {
    /// PyTorch's name (`lr`, `betas`, `weight_decay`).
    public let name: String
    public let value: ArgumentValue
    public let source: ValueSource
    /// Where it was written; `nil` for defaults.
    public let range: SourceRange?

    public init(name: String, value: ArgumentValue, source: ValueSource, range: SourceRange?) {
        self.name = name
        self.value = value
        self.source = source
        self.range = range
    }

    /// Whether the value is PyTorch's default.
    public var isDefault: Bool { source == .default }
}

/// A named argument of a schedule, option or layer, with a flag for default values.
public struct ResolvedArgument: Sendable {
    public let name: String
    public let value: ArgumentValue
    public let isDefault: Bool
    public let range: SourceRange?
}
