import Foundation

/// Compiles an `Expr` to a `CompiledExpression`: names resolved (constants folded,
/// variables bound to slots), functions checked, every problem a located diagnostic.
public struct ExpressionCompiler: Sendable {
    /// `let` values (with `-D` overrides applied) and `pi`.
    public var constants: [String: Double]
    /// The free variables, in slot order.
    public var variables: [String]
    /// Names that exist in the language but may not be used here, with the reason
    /// (`epoch` in a hyperparameter, `param` outside a predicate).
    public var forbidden: [String: String]

    public init(constants: [String: Double], variables: [String], forbidden: [String: String] = [:]) {
        self.constants = constants
        self.variables = variables
        self.forbidden = forbidden
    }

    /// The names every expression may know about, for suggestions.
    static let languageNames = ["pi", "epoch", "step", "layer", "layers", "numel", "ndim", "param"] + RunLength.names

    /// The value of an expression that reads only constants, by one walk of the tree with
    /// no closures built; `nil` when it reads anything else (then `compile` explains).
    public func constantValue(_ expr: Expr) -> Double? {
        Self.constantValue(expr, constants: constants, variables: variables)
    }

    /// `constantValue(_:)` without a compiler: the checker calls this for every number in
    /// a script, and building a compiler for each cost more than most numbers' walk.
    static func constantValue(_ expr: Expr, constants: [String: Double], variables: [String] = []) -> Double? {
        func constantValue(_ expr: Expr) -> Double? {
            Self.constantValue(expr, constants: constants, variables: variables)
        }
        switch expr.kind {
        case .number(let value): return value
        case .bool(let value): return value ? 1 : 0
        case .string: return nil
        case .name(let name):
            if variables.contains(name) { return nil }
            if let value = constants[name] { return value }
            return name == "pi" ? Double.pi : nil
        case .unary(let op, let operand):
            guard let a = constantValue(operand) else { return nil }
            switch op {
            case .negate: return -a
            case .plus: return a
            case .not: return a == 0 ? 1 : 0
            }
        case .binary(let op, let lhs, let rhs):
            guard let a = constantValue(lhs), let b = constantValue(rhs) else { return nil }
            return op.apply(a, b)
        case .chain(let first, let links):
            guard var value = constantValue(first) else { return nil }
            for link in links {
                guard let b = constantValue(link.operand) else { return nil }
                value = link.op.apply(value, b)
            }
            return value
        case .conditional(let c, let t, let f):
            guard let condition = constantValue(c), let a = constantValue(t), let b = constantValue(f) else { return nil }
            return condition != 0 ? a : b
        case .call(let name, _, let arguments):
            var values: [Double] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments {
                guard let value = constantValue(argument) else { return nil }
                values.append(value)
            }
            return ScalarFunctions.apply(name, values)
        }
    }

    /// The compiled expression, or the diagnostics that explain why it cannot be.
    public func compile(_ expr: Expr) -> Result<CompiledExpression, DiagnosticList> {
        var diagnostics: [Diagnostic] = []
        var used = Set<String>()
        let body = build(expr, &diagnostics, &used)
        guard diagnostics.isEmpty, let body else {
            return .failure(DiagnosticList(diagnostics))
        }
        return .success(CompiledExpression(variables: variables, usedVariables: used, syntax: expr, body: body))
    }

    private func build(_ expr: Expr, _ diagnostics: inout [Diagnostic],
                       _ used: inout Set<String>) -> CompiledExpression.Body? {
        switch expr.kind {
        case .number(let value):
            return { _ in value }
        case .bool(let value):
            let number: Double = value ? 1 : 0
            return { _ in number }
        case .string:
            diagnostics.append(.error(.stringNotAllowed, at: expr.range))
            return nil
        case .name(let name):
            return resolve(name, at: expr.range, &diagnostics, &used)
        case .unary(let op, let operand):
            guard let a = build(operand, &diagnostics, &used) else { return nil }
            switch op {
            case .negate: return { -a($0) }
            case .plus: return a
            case .not: return { a($0) == 0 ? 1 : 0 }
            }
        case .binary(let op, let lhs, let rhs):
            let a = build(lhs, &diagnostics, &used)
            let b = build(rhs, &diagnostics, &used)
            guard let a, let b else { return nil }
            return Self.binary(op, a, b)
        case .chain(let first, let links):
            // One closure that folds in a loop: closures nested per term would recurse per
            // term when called (and when released).
            let start = build(first, &diagnostics, &used)
            var operands: [CompiledExpression.Body] = []
            operands.reserveCapacity(links.count)
            for link in links {
                if let part = build(link.operand, &diagnostics, &used) { operands.append(part) }
            }
            guard let start, operands.count == links.count else { return nil }
            let ops = links.map(\.op), parts = operands
            return { values in
                var value = start(values)
                for i in 0..<ops.count { value = ops[i].apply(value, parts[i](values)) }
                return value
            }
        case .conditional(let c, let t, let f):
            let condition = build(c, &diagnostics, &used)
            let whenTrue = build(t, &diagnostics, &used)
            let whenFalse = build(f, &diagnostics, &used)
            guard let condition, let whenTrue, let whenFalse else { return nil }
            return { condition($0) != 0 ? whenTrue($0) : whenFalse($0) }
        case .call(let name, let nameRange, let arguments):
            var parts: [CompiledExpression.Body] = []
            for argument in arguments {
                if let part = build(argument, &diagnostics, &used) { parts.append(part) }
            }
            return call(name, nameRange: nameRange, parts, argumentCount: arguments.count, &diagnostics)
        }
    }

    private func resolve(_ name: String, at range: SourceRange, _ diagnostics: inout [Diagnostic],
                         _ used: inout Set<String>) -> CompiledExpression.Body? {
        if let slot = variables.firstIndex(of: name) {
            used.insert(name)
            return { $0[slot] }
        }
        if let value = constants[name] { return { _ in value } }
        if name == "pi" { return { _ in Double.pi } }
        if let reason = forbidden[name] {
            diagnostics.append(.error(.nameNotAllowed(name, context: reason), at: range))
            return nil
        }
        let known = variables + constants.keys.sorted() + ["pi"]
        let suggestions = Suggestions.nearest(to: name, in: known)
        diagnostics.append(.error(.unknownName(name, suggestions: suggestions), at: range))
        return nil
    }

    // x % y has the sign of y, as in Python: x - floor(x / y) * y (computed via fmod).
    static func pythonRemainder(_ x: Double, _ y: Double) -> Double {
        let r = fmod(x, y)
        return r != 0 && (r < 0) != (y < 0) ? r + y : r
    }

    private static func binary(_ op: BinaryOperator, _ a: @escaping CompiledExpression.Body,
                               _ b: @escaping CompiledExpression.Body) -> CompiledExpression.Body {
        switch op {
        case .add: return { a($0) + b($0) }
        case .subtract: return { a($0) - b($0) }
        case .multiply: return { a($0) * b($0) }
        case .divide: return { a($0) / b($0) }
        case .remainder: return { pythonRemainder(a($0), b($0)) }
        case .power: return { Foundation.pow(a($0), b($0)) }
        case .less: return { a($0) < b($0) ? 1 : 0 }
        case .lessEqual: return { a($0) <= b($0) ? 1 : 0 }
        case .greater: return { a($0) > b($0) ? 1 : 0 }
        case .greaterEqual: return { a($0) >= b($0) ? 1 : 0 }
        case .equal: return { a($0) == b($0) ? 1 : 0 }
        case .notEqual: return { a($0) != b($0) ? 1 : 0 }
        case .and: return { a($0) != 0 && b($0) != 0 ? 1 : 0 }
        case .or: return { a($0) != 0 || b($0) != 0 ? 1 : 0 }
        }
    }

    private func call(_ name: String, nameRange: SourceRange, _ parts: [CompiledExpression.Body],
                      argumentCount: Int, _ diagnostics: inout [Diagnostic]) -> CompiledExpression.Body? {
        let unary: (@Sendable (Double) -> Double)?
        switch name {
        case "exp": unary = { Foundation.exp($0) }
        case "log": unary = { Foundation.log($0) }
        case "sqrt": unary = { $0.squareRoot() }
        case "sin": unary = { Foundation.sin($0) }
        case "cos": unary = { Foundation.cos($0) }
        case "tan": unary = { Foundation.tan($0) }
        case "abs": unary = { Swift.abs($0) }
        case "floor": unary = { $0.rounded(.down) }
        case "ceil": unary = { $0.rounded(.up) }
        // Python's round: halves to even.
        case "round": unary = { $0.rounded(.toNearestOrEven) }
        case "min", "max":
            guard argumentCount >= 2 else {
                diagnostics.append(.error(.functionArity(name, expected: "at least 2 numbers (a tensor only in a 'where' predicate)",
                                                         got: argumentCount), at: nameRange))
                return nil
            }
            guard parts.count == argumentCount else { return nil }
            let isMin = name == "min"
            // Python's min/max: NaN propagates from the first argument only; keep it simple
            // and propagate any NaN, which the caller reports.
            return { values in
                var best = parts[0](values)
                for part in parts.dropFirst() {
                    let x = part(values)
                    if x.isNaN || best.isNaN { best = .nan } else { best = isMin ? Swift.min(best, x) : Swift.max(best, x) }
                }
                return best
            }
        default:
            if ["mean", "std", "norm", "sum"].contains(name) {
                diagnostics.append(.error(.nameNotAllowed(name, context: "outside a 'where' predicate"), at: nameRange))
                return nil
            }
            let suggestions = Suggestions.nearest(to: name, in: StatementVocabulary.functions)
            diagnostics.append(.error(.unknownFunction(name, suggestions: suggestions), at: nameRange))
            return nil
        }
        guard argumentCount == 1 else {
            diagnostics.append(.error(.functionArity(name, expected: "1 argument", got: argumentCount), at: nameRange))
            return nil
        }
        guard let f = unary, let a = parts.first else { return nil }
        return { f(a($0)) }
    }
}

/// A list of diagnostics as an `Error`, for `Result`.
public struct DiagnosticList: Error, Sendable {
    public let diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }
}
