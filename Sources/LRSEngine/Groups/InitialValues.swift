import LRSLanguage

/// A parameter's initial values: its shape and its elements in row-major order.
public struct InitialValue: Sendable {
    public let shape: [Int]
    public let values: [Float]

    public init(shape: [Int], values: [Float]) {
        self.shape = shape
        self.values = values
    }
}

/// Where `where` predicates get initial values from: a function of the parameter's
/// `state_dict()` name. Returns `nil` when the value is not available (reported).
public typealias InitialValueProvider = (String) -> InitialValue?
