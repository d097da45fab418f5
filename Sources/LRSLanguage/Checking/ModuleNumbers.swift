import LRSFiles

/// Numbers the modules of a checkpoint's parameters (their names less the last segment) by
/// first appearance: `layer` and `layers` in expressions, `each layer`'s groups. A module is
/// kept as a slice of the first name that holds it, so none is copied; ASCII modules (all
/// real ones) are found by a hash of their bytes, compared byte for byte on a hit. From the
/// first non-ASCII name on, modules are compared as `Substring`s (canonical equivalence), as
/// names are everywhere else.
struct ModuleNumbers {
    private(set) var modules: [Substring] = []
    private var byDigest: [UInt64: Int] = [:]
    /// Modules whose digest another module holds (in practice never), and, once a name is not
    /// ASCII, every module.
    private var byName: [Substring: Int] = [:]
    private var allASCII = true

    init(capacity: Int) {
        modules.reserveCapacity(capacity)
        byDigest.reserveCapacity(capacity)
    }

    var count: Int { modules.count }

    /// The number of `module` (a slice of a name), a new one if it has none yet. `digest` is
    /// `ByteHash.of` its bytes when the name is ASCII, else `nil`.
    mutating func number(of module: Substring, digest: UInt64?) -> Int {
        if allASCII, digest == nil {
            allASCII = false
            byName = Dictionary(modules.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
        guard allASCII, let digest else {
            if let known = byName[module] { return known }
            byName[module] = modules.count
            return add(module)
        }
        if let known = byDigest[digest] {
            if Checker.sameBytes(modules[known], module) { return known }
            if let other = byName[module] { return other }
            byName[module] = modules.count
            return add(module)
        }
        byDigest[digest] = modules.count
        return add(module)
    }

    private mutating func add(_ module: Substring) -> Int {
        modules.append(module)
        return modules.count - 1
    }
}
