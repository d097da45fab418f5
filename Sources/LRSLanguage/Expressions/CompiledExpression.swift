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

    /// The expression as a function of its first two variables (a schedule's epoch and
    /// step; any others read as 0). Called once per step and group, it builds no array and
    /// holds only the compiled body.
    public func function2() -> @Sendable (Double, Double) -> Double {
        if let constantValue { return { _, _ in constantValue } }
        let body = self.body
        let count = variables.count
        guard count <= 2 else {
            return { a, b in
                var values = [Double](repeating: 0, count: count)
                values[0] = a
                values[1] = b
                return values.withUnsafeBufferPointer { body($0.baseAddress!) }
            }
        }
        return { a, b in
            var pair = (a, b)
            return withUnsafePointer(to: &pair) { $0.withMemoryRebound(to: Double.self, capacity: 2, body) }
        }
    }

    @usableFromInline func run(_ values: UnsafePointer<Double>) -> Double { body(values) }
}
