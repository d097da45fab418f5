/// `-D NAME=VALUE` options, the one parser every command uses: each overrides a `let`;
/// several comma-separated values make a grid axis (`lrs run`). Values are numbers, as
/// `let` values are.
public enum LetOverrides {
    /// A `-D` option that cannot be used, worded for the command line.
    public struct Problem: Error, Sendable {
        public let message: String
    }

    /// Every `-D`, as grid axes (one value or several).
    public static func axes(_ defines: [String]) throws(Problem) -> [GridPlan.Axis] {
        var axes: [GridPlan.Axis] = []
        for define in defines {
            guard let axis = GridPlan.parseAxis(define) else {
                throw Problem(message: "-D expects NAME=VALUE (or NAME=V1,V2,...), got '\(define)'")
            }
            for value in axis.values {
                guard let number = Double(value), number.isFinite else {
                    throw Problem(message: "-D \(axis.name): '\(value)' is not a finite number")
                }
            }
            if axes.contains(where: { $0.name == axis.name }) {
                throw Problem(message: "-D \(axis.name) is given twice")
            }
            axes.append(axis)
        }
        return axes
    }

    /// Single values only (every axis has one value): the `let` overrides of one run.
    public static func values(_ defines: [String]) throws(Problem) -> [String: Double] {
        var values: [String: Double] = [:]
        for axis in try axes(defines) {
            guard axis.values.count == 1 else {
                throw Problem(message: "-D \(axis.name) has several values; only 'lrs run' makes a grid of them")
            }
            values[axis.name] = Double(axis.values[0])
        }
        return values
    }
}
