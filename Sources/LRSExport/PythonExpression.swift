import LRSEngine
import LRSLanguage

/// A schedule expression (section 7) as Python: the same precedence table (Python's
/// `if else`, `or`, `and`, `not`, comparisons, `+ -`, `* / %`, unary minus, `**` are
/// ordered as the language's), `^` as `**`, `%` as Python's own (the language's is
/// Python's), functions from `math`, `let` names folded to their values.
struct PythonExpression {
    /// The values of `let` names (with `-D` overrides).
    let constants: [String: Double]
    /// Names of the free variables allowed here (`epoch` or `step`), as Python names.
    let variables: Set<String>
    /// Names written as a Python expression of the variables (`epoch` in a per-step
    /// schedule: `(step // 4)`).
    let substitutions: [String: String]
    /// Set when the text uses `math.`.
    private(set) var usesMath = false

    init(constants: [String: Double], variables: Set<String>, substitutions: [String: String] = [:]) {
        self.constants = constants
        self.variables = variables
        self.substitutions = substitutions
    }

    /// The Python text of `expr`; a name that is neither a variable here nor a constant is
    /// refused.
    mutating func text(_ expr: Expr) throws(ExportRefusal) -> String {
        try text(expr, context: 0)
    }

    // Precedence levels, loosest first, as the language's table.
    private static let conditional = 0, or = 1, and = 2, not = 3, comparison = 4
    private static let negate = 7, power = 8, atom = 9

    /// `context`: the least precedence an operand may have here without parentheses.
    private mutating func text(_ expr: Expr, context: Int) throws(ExportRefusal) -> String {
        let (body, level) = try node(expr)
        return level < context ? "(" + body + ")" : body
    }

    private mutating func node(_ expr: Expr) throws(ExportRefusal) -> (String, Int) {
        switch expr.kind {
        case .number(let x):
            return (x < 0 ? "(" + PythonText.number(x) + ")" : PythonText.number(x), Self.atom)
        case .bool(let b):
            return (PythonText.bool(b), Self.atom)
        case .string:
            throw ExportRefusal(.stringNotNumber, at: expr.range)
        case .name(let name):
            if variables.contains(name) { return (name, Self.atom) }
            if let text = substitutions[name] { return (text, Self.atom) }
            if name == "pi" { usesMath = true; return ("math.pi", Self.atom) }
            if let value = constants[name] { return (value < 0 ? "(" + PythonText.number(value) + ")" : PythonText.number(value), Self.atom) }
            throw ExportRefusal(.noValue(name: name), at: expr.range)
        case .unary(let op, let operand):
            switch op {
            case .negate: return ("-" + (try text(operand, context: Self.negate)), Self.negate)
            case .plus: return ("+" + (try text(operand, context: Self.negate)), Self.negate)
            case .not: return ("not " + (try text(operand, context: Self.not)), Self.not)
            }
        case .binary(let op, let left, let right):
            return try binary(op, left, right)
        case .chain(let first, let links):
            return try chain(first, links)
        case .call(let name, _, let arguments):
            let python: String
            switch name {
            case "abs", "min", "max", "round": python = name
            case "exp", "log", "sqrt", "sin", "cos", "tan", "floor", "ceil": python = "math." + name; usesMath = true
            default: throw ExportRefusal(.noPythonFunction(name: name), at: expr.range)
            }
            var parts: [String] = []
            for argument in arguments { parts.append(try text(argument, context: 0)) }
            return (python + "(" + parts.joined(separator: ", ") + ")", Self.atom)
        case .conditional(let condition, let then, let otherwise):
            let c = try text(condition, context: Self.or)
            let a = try text(then, context: Self.or)
            let b = try text(otherwise, context: Self.conditional)
            return (a + " if " + c + " else " + b, Self.conditional)
        }
    }

    private mutating func binary(_ op: BinaryOperator, _ left: Expr, _ right: Expr) throws(ExportRefusal) -> (String, Int) {
        let level = op.precedence
        switch op {
        case .power:
            // Right-associative: `a ** b ** c` is `a ** (b ** c)`; a unary minus on the
            // right binds looser than `**` in neither language, so it needs no parentheses.
            let a = try text(left, context: Self.atom)
            let b = try text(right, context: Self.negate)
            return (a + " ** " + b, Self.power)
        case .and, .or:
            // The language's `and`/`or` give 1 or 0; Python's give an operand, so operands
            // that are plain numbers are made truth values first.
            let a = try truth(left, context: level)
            let b = try truth(right, context: level + 1)
            return (a + " " + op.rawValue + " " + b, level)
        default:
            // Comparisons do not chain in the language; in Python they would, so a
            // comparison operand of a comparison keeps its parentheses.
            let leftContext = op.isComparisonOperator ? Self.comparison + 1 : level
            let a = try text(left, context: leftContext)
            let b = try text(right, context: level + 1)
            return (a + " " + op.rawValue + " " + b, level)
        }
    }

    /// A flat chain of one precedence, written as the nested `binary` nodes it stands for
    /// would be (the left part never needs parentheses: it has the chain's own precedence),
    /// in a loop rather than one recursion per term.
    private mutating func chain(_ first: Expr, _ links: [Expr.Link]) throws(ExportRefusal) -> (String, Int) {
        guard let level = links.first?.op.precedence else { return try node(first) }
        let logical = level <= Self.and
        var body = logical ? try truth(first, context: level) : try text(first, context: level)
        for link in links {
            let right = logical ? try truth(link.operand, context: level + 1) : try text(link.operand, context: level + 1)
            body += " " + link.op.rawValue + " " + right
        }
        return (body, level)
    }

    private mutating func truth(_ expr: Expr, context: Int) throws(ExportRefusal) -> String {
        if Self.isTruthValued(expr) { return try text(expr, context: context) }
        return "bool(" + (try text(expr, context: 0)) + ")"
    }

    private static func isTruthValued(_ expr: Expr) -> Bool {
        switch expr.kind {
        case .bool: return true
        case .unary(let op, _): return op == .not
        case .binary(let op, _, _): return op.precedence <= comparison
        case .chain(_, let links): return (links.first?.op.precedence ?? atom) <= comparison
        default: return false
        }
    }
}

extension BinaryOperator {
    fileprivate var isComparisonOperator: Bool { precedence == 4 }
}
