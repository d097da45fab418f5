/// What one argument, option or hyperparameter accepts, and its default.
public struct ArgumentSpec: Sendable {
    /// The type of value an argument takes.
    public enum ValueType: Sendable, Equatable {
        /// Any finite number.
        case number
        /// A whole number.
        case integer
        case bool
        /// One of a fixed set of words (`mode triangular2`).
        case symbol([String])
        /// Numbers of which the first may be the word `none`, PyTorch's None (adafactor's
        /// `eps none 1e-3`).
        case numbersOrNoneFirst
        /// An expression kept as such and evaluated later with these variables
        /// (`lambda 0.95^epoch`).
        case expression
    }

    /// A default value; `.unset` when the PyTorch default is `None` (e.g. `step_size_down`).
    public enum DefaultValue: Sendable, Equatable {
        case number(Double)
        case bool(Bool)
        case symbol(String)
        case numbers([Double])
        /// Numbers where `nil` is PyTorch's None (adafactor's `eps (None, 1e-3)`).
        case optionalNumbers([Double?])
        case unset
    }

    public let name: String
    public let type: ValueType
    /// How many values follow the name (`betas` takes 2).
    public let arity: Int
    /// `nil` when the argument is required.
    public let defaultValue: DefaultValue?

    public init(_ name: String, _ type: ValueType, arity: Int = 1, default defaultValue: DefaultValue?) {
        self.name = name
        self.type = type
        self.arity = arity
        self.defaultValue = defaultValue
    }

    /// A required argument.
    public static func required(_ name: String, _ type: ValueType) -> ArgumentSpec {
        ArgumentSpec(name, type, default: nil)
    }

    var typeDescription: String {
        switch type {
        case .number: return arity == 1 ? "a number" : "\(arity) numbers"
        case .integer: return "a whole number"
        case .bool: return "true or false"
        case .symbol(let choices): return quotedList(choices)
        case .numbersOrNoneFirst: return "\(arity) numbers, the first of which may be 'none'"
        case .expression: return "an expression"
        }
    }
}
