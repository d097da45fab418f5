import Foundation

extension BinaryOperator {
    /// The operator on two numbers, with the language's semantics (IEEE doubles, Python's
    /// `%`, comparisons and logic giving 1 or 0). The compiler specialises the same rules
    /// into closures; this is for evaluators that walk a tree once (predicates).
    public func apply(_ x: Double, _ y: Double) -> Double {
        switch self {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide: return x / y
        case .remainder: return ExpressionCompiler.pythonRemainder(x, y)
        case .power: return Foundation.pow(x, y)
        case .less: return x < y ? 1 : 0
        case .lessEqual: return x <= y ? 1 : 0
        case .greater: return x > y ? 1 : 0
        case .greaterEqual: return x >= y ? 1 : 0
        case .equal: return x == y ? 1 : 0
        case .notEqual: return x != y ? 1 : 0
        case .and: return x != 0 && y != 0 ? 1 : 0
        case .or: return x != 0 || y != 0 ? 1 : 0
        }
    }
}

/// The language's functions on numbers (section 7).
public enum ScalarFunctions {
    /// `f(arguments)`, or `nil` for an unknown function or a wrong number of arguments.
    public static func apply(_ name: String, _ arguments: [Double]) -> Double? {
        if name == "min" || name == "max" {
            guard arguments.count >= 2 else { return nil }
            if arguments.contains(where: \.isNaN) { return .nan }
            return name == "min" ? arguments.min() : arguments.max()
        }
        guard arguments.count == 1, let x = arguments.first else { return nil }
        switch name {
        case "exp": return Foundation.exp(x)
        case "log": return Foundation.log(x)
        case "sqrt": return x.squareRoot()
        case "sin": return Foundation.sin(x)
        case "cos": return Foundation.cos(x)
        case "tan": return Foundation.tan(x)
        case "abs": return Swift.abs(x)
        case "floor": return x.rounded(.down)
        case "ceil": return x.rounded(.up)
        case "round": return x.rounded(.toNearestOrEven)
        default: return nil
        }
    }
}
