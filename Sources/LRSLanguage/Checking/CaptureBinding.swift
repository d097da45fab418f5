/// The capture values a selector binds for one parameter (section 14), written once for
/// the checker (which names split groups may have) and for group resolution.
public enum CaptureBinding {
    /// Whether `selector` takes the parameter named `name`, with the values its globs bind
    /// stored in `values` at the positions of their names in `slots` (`nil`: not bound).
    /// `or` binds through its first part that matches, `and` through all of its parts; a
    /// `not` binds nothing. `decide` answers for everything that binds nothing: a word,
    /// `all`, `rest`, a plain glob, a `not`, and (given the `where` node) whether a `where`'s
    /// predicate holds once its selector matched.
    public static func bind(_ selector: SelectorSyntax, name: String, slots: [String], values: inout [Int?],
                            decide: (SelectorSyntax) -> Bool) -> Bool {
        switch selector.kind {
        case .captureGlob(let glob):
            guard let matched = glob.match(name) else { return false }
            for (k, capture) in glob.names.enumerated() {
                if let slot = slots.firstIndex(of: capture) { values[slot] = matched[k] }
            }
            return true
        case .where(let inner, _):
            return bind(inner, name: name, slots: slots, values: &values, decide: decide) && decide(selector)
        case .and(let parts):
            for part in parts where !bind(part, name: name, slots: slots, values: &values, decide: decide) { return false }
            return true
        case .or(let parts):
            for part in parts {
                // A part that fails may have bound some names before failing.
                var trial = values
                if bind(part, name: name, slots: slots, values: &trial, decide: decide) {
                    values = trial
                    return true
                }
            }
            return false
        case .word, .glob, .all, .rest, .not:
            return decide(selector)
        }
    }

    /// The name of the split group for these values: `NAME.V1.V2`, `_` for a name the
    /// parameter's glob did not bind, and the group's own name when none is bound.
    public static func groupName(_ base: String, _ values: [Int?]) -> String {
        guard values.contains(where: { $0 != nil }) else { return base }
        return base + "." + values.map { $0.map(String.init) ?? "_" }.joined(separator: ".")
    }

    /// Increasing numeric order of value tuples, unbound first.
    public static func precedes(_ a: [Int?], _ b: [Int?]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            guard let x else { return true }
            guard let y else { return false }
            return x < y
        }
        return a.count < b.count
    }
}
