/// An expression as written (section 7 of the contract), with its source range.
public struct Expr: Sendable {
    /// The shape of an expression node.
    /// Only the recursive cases are boxed: literals and names, most of a script's
    /// expressions, cost no allocation.
    public enum Kind: Sendable {
        case number(Double)
        case bool(Bool)
        /// A string, only meaningful as an option value (`label "price"`).
        case string(String)
        /// A `let` name, `pi`, `epoch`, `step`, `layer`, `param`, or a symbolic option value.
        case name(String)
        indirect case unary(UnaryOperator, Expr)
        indirect case binary(BinaryOperator, Expr, Expr)
        /// Two or more left-associative operators of one precedence, `a + b - c + d`, kept
        /// flat: the value folds left to right, `((a + b) - c) + d`. A chain of 200,000
        /// terms is walked (and released) in a loop, where nested `binary` nodes would
        /// recurse once per term and overflow the stack.
        indirect case chain(Expr, [Link])
        /// `f(a, b)`; `nameRange` is the range of the function's name.
        case call(String, nameRange: SourceRange, [Expr])
        /// `if C then A else B`
        indirect case conditional(Expr, Expr, Expr)
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// One step of a chain: the operator and its right operand.
    public struct Link: Sendable {
        public var op: BinaryOperator
        public var operand: Expr

        public init(_ op: BinaryOperator, _ operand: Expr) {
            self.op = op
            self.operand = operand
        }
    }

    /// `left` folded with `links` (as the parser reads them): `left` itself, one `binary`
    /// node, or a `chain`.
    static func folding(_ left: Expr, _ links: [Link]) -> Expr {
        guard let last = links.last else { return left }
        let range = left.range.union(last.operand.range)
        if links.count == 1 { return Expr(.binary(last.op, left, last.operand), range: range) }
        return Expr(.chain(left, links), range: range)
    }

    /// The name when the expression is a bare name (symbolic option values, `loss mse`).
    public var bareName: String? {
        if case .name(let name) = kind { return name }
        return nil
    }
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case plus = "+"
    case not = "not"
}

/// Infix operators, with the precedence table the parser climbs.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "==", notEqual = "!="
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", remainder = "%"
    case power = "^"

    /// Binding power, loosest first: or, and, (not), comparisons, + -, * / %, (unary minus), ^.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return 4
        case .add, .subtract: return 5
        case .multiply, .divide, .remainder: return 6
        case .power: return 8
        }
    }

    /// `^` groups to the right: `2^3^2` is `2^(3^2)`.
    public var isRightAssociative: Bool { self == .power }

    /// Comparisons do not chain (`a < b < c` is an error, as it would surprise).
    var isComparison: Bool { precedence == 4 }
}

/// Precedence of the prefix operators, in the same table.
enum PrefixPrecedence {
    static let not = 3
    static let negate = 7
}
