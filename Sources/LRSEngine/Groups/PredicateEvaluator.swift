import LRSLanguage

/// Evaluates a `where` predicate over one parameter's initial values. Tree-walking is
/// fine here: a predicate runs once per parameter, on values loaded once.
struct PredicateEvaluator {
    /// A predicate value: a number or a tensor.
    enum Value {
        case number(Double)
        case tensor([Float])

        var number: Double {
            if case .number(let x) = self { return x }
            return .nan
        }
    }

    let constants: [String: Double]
    let parameter: ParameterInfo
    let layers: Int
    /// Asked at most once, and only when the predicate reads `param`.
    let initialValues: InitialValueProvider
    private var cache: [Float]?
    /// Set when the values were needed but not available.
    private(set) var missingValues = false

    init(constants: [String: Double], parameter: ParameterInfo, layers: Int,
         initialValues: @escaping InitialValueProvider) {
        self.constants = constants
        self.parameter = parameter
        self.layers = layers
        self.initialValues = initialValues
    }

    /// Whether the predicate holds (non-zero, as in C; NaN does not hold).
    mutating func holds(_ predicate: Expr) -> Bool {
        let x = evaluate(predicate).number
        return !x.isNaN && x != 0
    }

    mutating func evaluate(_ expr: Expr) -> Value {
        switch expr.kind {
        case .number(let x): return .number(x)
        case .bool(let b): return .number(b ? 1 : 0)
        case .string: return .number(.nan)
        case .name(let name):
            switch name {
            case "param": return .tensor(tensor())
            case "numel": return .number(Double(parameter.count))
            case "ndim": return .number(Double(parameter.shape.count))
            case "layer": return .number(Double(parameter.parameterLayerIndex))
            case "layers": return .number(Double(layers))
            case "pi": return .number(.pi)
            default: return .number(constants[name] ?? .nan)
            }
        case .unary(let op, let operand):
            let x = evaluate(operand).number
            switch op {
            case .negate: return .number(-x)
            case .plus: return .number(x)
            case .not: return .number(x == 0 ? 1 : 0)
            }
        case .binary, .chain, .conditional, .call:
            return compound(expr)
        }
    }

    private mutating func compound(_ expr: Expr) -> Value {
        switch expr.kind {
        case .binary(let op, let a, let b):
            let x = evaluate(a).number
            let y = evaluate(b).number
            return .number(op.apply(x, y))
        case .chain(let first, let links):
            var x = evaluate(first).number
            for link in links { x = link.op.apply(x, evaluate(link.operand).number) }
            return .number(x)
        case .conditional(let c, let t, let f):
            let condition = evaluate(c).number
            return !condition.isNaN && condition != 0 ? evaluate(t) : evaluate(f)
        case .call(let name, _, let arguments):
            let values = arguments.map { evaluate($0) }
            return call(name, values)
        default:
            return evaluate(expr)
        }
    }

    private mutating func tensor() -> [Float] {
        if let cache { return cache }
        guard let loaded = initialValues(parameter.name)?.values else {
            missingValues = true
            cache = []
            return []
        }
        cache = loaded
        return loaded
    }

    private func call(_ name: String, _ arguments: [Value]) -> Value {
        if arguments.count == 1, case .tensor(let t) = arguments[0] {
            switch name {
            case "abs": return .tensor(t.map { Swift.abs($0) })
            case "sum": return .number(t.reduce(0) { $0 + Double($1) })
            case "mean": return .number(t.isEmpty ? .nan : t.reduce(0) { $0 + Double($1) } / Double(t.count))
            case "norm": return .number(t.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot())
            case "min": return .number(t.isEmpty ? .nan : Double(t.min() ?? .nan))
            case "max": return .number(t.isEmpty ? .nan : Double(t.max() ?? .nan))
            // torch.std is unbiased: sum((x - mean)^2) / (n - 1); NaN for one element.
            case "std":
                guard t.count > 1 else { return .number(.nan) }
                let mean = t.reduce(0) { $0 + Double($1) } / Double(t.count)
                let squares = t.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
                return .number((squares / Double(t.count - 1)).squareRoot())
            default: return .number(.nan)
            }
        }
        return .number(ScalarFunctions.apply(name, arguments.map(\.number)) ?? .nan)
    }
}
