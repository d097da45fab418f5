import LRSFiles

/// Numbers the modules of a checkpoint's parameters (their names less the last segment) by
/// first appearance: `layer` and `layers` in expressions, `each layer`'s groups. A module is
/// kept as where it lies in the first name that holds it, so none is copied; ASCII modules
/// (all real ones) are found by a hash of their bytes, compared byte for byte on a hit. From
/// the first non-ASCII name on, modules are compared as `String`s (canonical equivalence), as
/// names are everywhere else.
struct ModuleNumbers {
    /// Each module: the name that first held it, and its length in bytes.
    private var modules: [(name: Int32, length: Int32)] = []
    private var byDigest: [UInt64: Int] = [:]
    /// Modules whose digest another module holds (in practice never), and, once a name is not
    /// ASCII, every module.
    private var byName: [String: Int] = [:]
    private var allASCII = true

    init(capacity: Int) {
        modules.reserveCapacity(capacity)
        byDigest.reserveCapacity(capacity)
    }

    var count: Int { modules.count }

    /// The number of the module that is the first `length` bytes of name `name` of `names`, a
    /// new one if it has none yet. `digest` is `ByteHash.of` those bytes when the name is
    /// ASCII, else `nil`.
    mutating func number(ofModule length: Int, of name: Int, digest: UInt64?, in names: NameBuffer.View) -> Int {
        let module = UnsafeBufferPointer(rebasing: names[name][..<length])
        if allASCII, digest == nil {
            allASCII = false
            for (number, known) in modules.enumerated() where byName[text(known, names)] == nil {
                byName[text(known, names)] = number
            }
        }
        guard allASCII, let digest else { return numberByName(module, name, length) }
        if let known = byDigest[digest] {
            let bytes = UnsafeBufferPointer(rebasing: names[Int(modules[known].name)][..<Int(modules[known].length)])
            if bytes.elementsEqual(module) { return known }
            return numberByName(module, name, length)
        }
        byDigest[digest] = modules.count
        return add(name, length)
    }

    private mutating func numberByName(_ module: UnsafeBufferPointer<UInt8>, _ name: Int, _ length: Int) -> Int {
        let key = String(decoding: module, as: UTF8.self)
        if let known = byName[key] { return known }
        byName[key] = modules.count
        return add(name, length)
    }

    private func text(_ module: (name: Int32, length: Int32), _ names: NameBuffer.View) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: names[Int(module.name)][..<Int(module.length)]), as: UTF8.self)
    }

    private mutating func add(_ name: Int, _ length: Int) -> Int {
        modules.append((Int32(name), Int32(length)))
        return modules.count - 1
    }
}
