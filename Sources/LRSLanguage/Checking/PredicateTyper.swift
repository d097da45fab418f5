/// Types a `where` predicate: `param` is a tensor; `numel`, `ndim`, `layer`, `layers`, lets
/// and `pi` are numbers; `mean std norm min max sum` reduce a tensor to a number; `abs` is
/// elementwise. The predicate must be a number (non-zero holds).
struct PredicateTyper {
    enum ValueType { case number, tensor }

    /// Names a predicate reads per parameter.
    static let variables = ["param", "numel", "ndim", "layer", "layers"]

    let constants: [String: Double]
    var diagnostics: [Diagnostic] = []

    init(constants: [String: Double]) {
        self.constants = constants
    }

    mutating func type(of expr: Expr) -> ValueType? {
        switch expr.kind {
        case .number, .bool: return .number
        case .string:
            diagnostics.append(.error(.stringNotAllowed, at: expr.range))
            return nil
        case .name(let name):
            if name == "param" { return .tensor }
            if PredicateTyper.variables.contains(name) || constants[name] != nil || name == "pi" { return .number }
            if name == "epoch" || name == "step" {
                diagnostics.append(.error(.nameNotAllowed(name, context: "in a predicate; predicates see initial values"),
                                          at: expr.range))
                return nil
            }
            let known = PredicateTyper.variables + constants.keys.sorted() + ["pi"]
            diagnostics.append(.error(.unknownName(name, suggestions: Suggestions.nearest(to: name, in: known)), at: expr.range))
            return nil
        case .unary(_, let operand):
            return number(operand)
        case .binary(_, let a, let b):
            let ta = number(a)
            let tb = number(b)
            return ta == nil || tb == nil ? nil : .number
        case .chain(let first, let links):
            var ok = number(first) != nil
            for link in links where number(link.operand) == nil { ok = false }
            return ok ? .number : nil
        case .conditional(let c, let t, let f):
            let types = [number(c), number(t), number(f)]
            return types.contains { $0 == nil } ? nil : .number
        case .call(let name, let nameRange, let arguments):
            return call(name, nameRange: nameRange, arguments)
        }
    }

    /// A subexpression that must be a number.
    private mutating func number(_ expr: Expr) -> ValueType? {
        guard let type = type(of: expr) else { return nil }
        if type == .tensor {
            diagnostics.append(.error(.tensorNotAllowed("'\(name(of: expr))'"), at: expr.range))
            return nil
        }
        return .number
    }

    private func name(of expr: Expr) -> String {
        switch expr.kind {
        case .name(let n): return n
        case .call(let n, _, _): return n + "(...)"
        default: return "this"
        }
    }

    private mutating func call(_ name: String, nameRange: SourceRange, _ arguments: [Expr]) -> ValueType? {
        let reductions = ["mean", "std", "norm", "sum"]
        if reductions.contains(name) || ((name == "min" || name == "max") && arguments.count == 1) {
            guard arguments.count == 1, let argument = arguments.first else {
                diagnostics.append(.error(.functionArity(name, expected: "1 argument", got: arguments.count), at: nameRange))
                return nil
            }
            guard let type = type(of: argument) else { return nil }
            if type != .tensor {
                diagnostics.append(.error(.tensorExpected(name), at: argument.range))
                return nil
            }
            return .number
        }
        if name == "abs", arguments.count == 1, let argument = arguments.first {
            return type(of: argument)
        }
        // Every other function works on numbers: the expression compiler knows them.
        var types: [ValueType?] = []
        for argument in arguments { types.append(number(argument)) }
        if types.contains(where: { $0 == nil }) { return nil }
        let probe = ExpressionCompiler(constants: constants, variables: PredicateTyper.variables)
        let call = Expr(.call(name, nameRange: nameRange, arguments.map { Expr(.number(0), range: $0.range) }),
                        range: nameRange)
        if case .failure(let list) = probe.compile(call) {
            diagnostics.append(contentsOf: list.diagnostics)
            return nil
        }
        return .number
    }
}
