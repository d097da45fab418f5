import LRSFiles
import Testing
@testable import LRSLanguage

/// A checkpoint's modules are numbered by first appearance; a module seen again keeps its
/// number, by bytes while names are ASCII and by canonical equivalence once one is not.
@Suite struct ModuleNumbersTests {
    static func numbers(_ modules: [String]) -> [Int] {
        var table = ModuleNumbers(capacity: modules.count)
        // Each module as the start of a name, as the checker numbers them.
        let names = NameBuffer(modules.map { $0 + ".weight" })
        return names.withView { names in
            modules.indices.map { i in
                let module = UnsafeBufferPointer(rebasing: names[i][..<modules[i].utf8.count])
                let digest = ByteHash.of(UnsafeRawBufferPointer(module))
                return table.number(ofModule: module.count, of: i, digest: module.allSatisfy { $0 < 0x80 } ? digest : nil,
                                    in: names)
            }
        }
    }

    @Test func firstAppearanceGivesTheNumber() {
        #expect(Self.numbers(["a.0", "a.1", "a.0", "b", "a.1", "a.10", "b"]) == [0, 1, 0, 2, 1, 3, 2])
        // Many modules, each seen twice, far apart.
        let many = (0..<5000).map { "blocks.\($0).attn" }
        #expect(Self.numbers(many + many) == Array(0..<5000) + Array(0..<5000))
    }

    @Test func nonASCIIModulesCompareCanonically() {
        // "é" precomposed, then decomposed: one module. ASCII modules before the switch keep
        // their numbers.
        #expect(Self.numbers(["x", "caf\u{E9}", "x", "cafe\u{301}", "y"]) == [0, 1, 0, 1, 2])
    }
}
