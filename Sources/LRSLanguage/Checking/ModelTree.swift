import LRSLayers

/// A model item with its arguments checked, before `repeat`s are expanded: the checker's
/// intermediate form between the syntax and `CheckedItem`s.
struct ModelTree {
    /// The label, or the position in the enclosing sequence.
    let name: String
    let label: String?
    let kind: ModelItemKind
    let spec: LayerSpec
    let range: SourceRange
    /// A block's body (a repeat's: one copy).
    let children: [ModelTree]
    /// A residual's shortcut.
    let shortcut: [ModelTree]?
    /// Where a block's errors point: its keyword (`residual`, `repeat`), else its range;
    /// for a layer, its kind word (where the implicit flatten's note points).
    var keywordRange: SourceRange?

    var named: NamedLayer { NamedLayer(name, spec) }

    /// The items a list expands to (every item at every depth, each repeat's copies and
    /// their sequence items counted), saturating at `Int.max`; nothing is allocated.
    static func expandedCount(_ items: [ModelTree]) -> Int {
        var total = 0
        for item in items {
            var count = 1
            switch item.kind {
            case .repeat(let copies):
                // Each copy is a sequence item holding the body.
                let (perCopy, o1) = expandedCount(item.children).addingReportingOverflow(1)
                let (all, o2) = perCopy.multipliedReportingOverflow(by: copies)
                count = o1 || o2 ? Int.max : saturatingSum([1, all])
            case .residual:
                let inner = expandedCount(item.children)
                let shortcut = item.shortcut.map { saturatingSum([expandedCount($0), 1]) } ?? 0
                count = saturatingSum([1, inner, shortcut])
            case .sequence, .shortcut:
                count = saturatingSum([1, expandedCount(item.children)])
            case .layer:
                count = 1
            }
            total = saturatingSum([total, count])
        }
        return total
    }

    /// The same count for `LayerSpec` items (the runtime's description).
    static func expandedCount(_ items: [(LayerSpec, String)]) -> Int {
        var total = 0
        for (spec, _) in items {
            var count = 1
            switch spec {
            case .repeat(let copies, let body):
                let (perCopy, o1) = expandedCount(body.map { ($0.spec, $0.name) }).addingReportingOverflow(1)
                let (all, o2) = perCopy.multipliedReportingOverflow(by: max(copies, 0))
                count = o1 || o2 ? Int.max : saturatingSum([1, all])
            case .residual(let body, let shortcut):
                count = saturatingSum([1, expandedCount(body.map { ($0.spec, $0.name) }),
                                       shortcut.map { saturatingSum([expandedCount($0.map { ($0.spec, $0.name) }), 1]) } ?? 0])
            case .sequence(let body):
                count = saturatingSum([1, expandedCount(body.map { ($0.spec, $0.name) })])
            default:
                count = 1
            }
            total = saturatingSum([total, count])
        }
        return total
    }

    private static func saturatingSum(_ values: [Int]) -> Int {
        var total = 0
        for value in values {
            let (sum, overflow) = total.addingReportingOverflow(value)
            if overflow || value == Int.max { return Int.max }
            total = sum
        }
        return total
    }

    /// Copy `index` of a repeat's body: a sequence named by its position.
    func copy(_ index: Int) -> ModelTree {
        ModelTree(name: String(index), label: nil, kind: .sequence, spec: .sequence(children.map(\.named)),
                  range: range, children: children, shortcut: nil)
    }

    /// A residual's shortcut as the sequence item `shortcut`.
    func shortcutItem() -> ModelTree? {
        guard let shortcut else { return nil }
        return ModelTree(name: "shortcut", label: nil, kind: .shortcut, spec: .sequence(shortcut.map(\.named)),
                         range: keywordRange ?? range, children: shortcut, shortcut: nil)
    }
}
