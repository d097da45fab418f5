import ArgumentParser
import LRSEngine

/// `-D NAME=VALUE` options: each overrides a `let`; several comma-separated values make a
/// grid axis (`lrs run`). Values are numbers, as `let` values are.
enum Defines {
    static func axes(_ defines: [String]) throws -> [GridPlan.Axis] {
        var axes: [GridPlan.Axis] = []
        for define in defines {
            guard let axis = GridPlan.parseAxis(define) else {
                throw ValidationError("-D expects NAME=VALUE (or NAME=V1,V2,...), got '\(define)'")
            }
            for value in axis.values {
                guard let number = Double(value), number.isFinite else {
                    throw ValidationError("-D \(axis.name): '\(value)' is not a finite number")
                }
            }
            if axes.contains(where: { $0.name == axis.name }) {
                throw ValidationError("-D \(axis.name) is given twice")
            }
            axes.append(axis)
        }
        return axes
    }

    /// Single values only (every axis has one value).
    static func overrides(_ defines: [String]) throws -> [String: Double] {
        var values: [String: Double] = [:]
        for axis in try axes(defines) {
            guard axis.values.count == 1 else {
                throw ValidationError("-D \(axis.name) has several values; only 'lrs run' makes a grid of them")
            }
            values[axis.name] = Double(axis.values[0])
        }
        return values
    }
}
