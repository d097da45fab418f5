/// An expression compiled once into closures evaluated in Double (IEEE: `1/0` is `inf`).
///
/// Built by `ExpressionCompiler`; cheap to call a million times (no tree walk, no
/// allocation). `let` names and `-D` overrides are folded in as constants; the free
/// variables (`epoch`, `step`, `layer`, ...) are read from the values passed, in the order
/// of `variables`.
public struct CompiledExpression: Sendable {
    typealias Body = @Sendable (UnsafePointer<Double>) -> Double

    /// The variable names, in the order `evaluate` takes their values.
    public let variables: [String]
    /// The variables the expression actually reads.
    public let usedVariables: Set<String>
    /// The value when the expression reads no variable.
    public let constantValue: Double?
    /// The expression as written (for messages: its range names the line).
    public let syntax: Expr
    let body: Body

    init(variables: [String], usedVariables: Set<String>, syntax: Expr, body: @escaping Body) {
        self.variables = variables
        self.usedVariables = usedVariables
        self.syntax = syntax
        if usedVariables.isEmpty {
            let zeros = [Double](repeating: 0, count: Swift.max(1, variables.count))
            let value = zeros.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map(body) ?? .nan
            }
            self.constantValue = value
            self.body = { _ in value }
        } else {
            self.constantValue = nil
            self.body = body
        }
    }

    /// The value for the given variable values (in the order of `variables`; missing
    /// values read as 0).
    @inlinable public func evaluate(_ values: [Double]) -> Double {
        if let constantValue { return constantValue }
        if values.count >= variables.count {
            return values.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map(run) ?? .nan
            }
        }
        var padded = values
        padded.append(contentsOf: repeatElement(0, count: variables.count - values.count))
        return padded.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map(run) ?? .nan
        }
    }

    /// The value with the first variable set to `value` and any others to 0.
    @inlinable public func evaluate(_ value: Double) -> Double {
        if variables.count <= 1 {
            return withUnsafePointer(to: value) { run($0) }
        }
        return evaluate([value])
    }

    /// The value of an expression that reads no variable (others read as 0).
    @inlinable public func evaluate() -> Double {
        if let constantValue { return constantValue }
        return evaluate([Double](repeating: 0, count: variables.count))
    }

    @usableFromInline func run(_ values: UnsafePointer<Double>) -> Double { body(values) }
}
