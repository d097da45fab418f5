import LRSFiles
import Testing

/// The duplicate check of a large object: plain ASCII names by their bytes, then, from the
/// first name with an escape or beyond ASCII, as `String`s (canonical equivalence). A name
/// twice is found in each phase and across the switch between them.
@Suite struct MemberNamesTests {
    /// An object of `count` distinct plain names, then `tail` (members written as JSON).
    static func object(_ count: Int, then tail: String) -> [UInt8] {
        let head = (0..<count).map { "\"blocks.\($0).w\": \($0)" }.joined(separator: ", ")
        return Array("{\(head), \(tail)}".utf8)
    }

    static func duplicate(_ bytes: [UInt8]) -> String? {
        do {
            _ = try OrderedJSON.parse(bytes)
            return nil
        } catch {
            return error.duplicateName
        }
    }

    @Test(arguments: [3, 8, 9, 500])
    func aPlainNameTwiceIsFound(count: Int) {
        #expect(Self.duplicate(Self.object(count, then: #""blocks.2.w": 0"#)) == "blocks.2.w")
        #expect(Self.duplicate(Self.object(count, then: #""blocks.2.v": 0, "x": 1"#)) == nil)
    }

    /// `"blocks.1\u002ew"` is `blocks.1.w` written with an escape: found whether the plain one
    /// came first in the table or the escaped one came first.
    @Test(arguments: [3, 9, 500])
    func anEscapedNameEqualsItsPlainSpelling(count: Int) {
        #expect(Self.duplicate(Self.object(count, then: #""blocks.1\u002ew": 0"#)) == "blocks.1.w")
        #expect(Self.duplicate(Self.object(count, then: #""a\u0062": 0, "ab": 1"#)) == "ab")
    }

    @Test(arguments: [3, 9, 500])
    func canonicallyEqualNamesAreTheSameName(count: Int) {
        // "é" precomposed, then decomposed.
        #expect(Self.duplicate(Self.object(count, then: "\"caf\u{E9}\": 0, \"cafe\u{301}\": 1")) == "cafe\u{301}")
    }

    /// Thousands of names with the same bytes but one digit apart, none twice.
    @Test func manyNearNamesAreDistinct() throws {
        let names = (0..<20_000).map { "\"h.\($0 % 97).m.\($0).w\": 0" }.joined(separator: ",")
        let json = try OrderedJSON.parse(Array("{\(names)}".utf8))
        #expect(json.members?.count == 20_000)
    }
}
