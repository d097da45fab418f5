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
