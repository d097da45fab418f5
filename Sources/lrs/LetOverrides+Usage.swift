import ArgumentParser
import LRSEngine

/// `-D` options as the command line takes them: a problem is a usage error (exit 2).
extension LetOverrides {
    static func axesOrUsageError(_ defines: [String]) throws -> [GridPlan.Axis] {
        do { return try axes(defines) } catch { throw ValidationError(error.message) }
    }

    static func valuesOrUsageError(_ defines: [String]) throws -> [String: Double] {
        do { return try values(defines) } catch { throw ValidationError(error.message) }
    }
}
