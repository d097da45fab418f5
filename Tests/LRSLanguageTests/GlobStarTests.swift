import Testing
@testable import LRSLanguage

/// Patterns whose only special character is `*` are matched piece by piece (the first piece a
/// prefix, the last a suffix, the middle ones at their first place); the answers must be
/// those of the general matcher, which a plain recursive definition of `*` stands for here.
@Suite struct GlobStarTests {
    /// `*` matches any run of characters, anything else itself.
    static func reference(_ p: [Character], _ s: [Character]) -> Bool {
        guard let first = p.first else { return s.isEmpty }
        if first == "*" {
            return (0...s.count).contains { reference(Array(p.dropFirst()), Array(s.dropFirst($0))) }
        }
        guard let c = s.first, c == first else { return false }
        return reference(Array(p.dropFirst()), Array(s.dropFirst()))
    }

    @Test func starPatternsAnswerAsTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Character] = ["a", "b", ".", "*"]
        var checked = 0
        for _ in 0..<4000 {
            let p = String((0..<Int.random(in: 0...7, using: &generator)).map { _ in alphabet[Int.random(in: 0..<4, using: &generator)] })
            let s = String((0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet[Int.random(in: 0..<3, using: &generator)] })
            let expected = Self.reference(Array(p), Array(s))
            #expect(Glob.matches(p, s) == expected, "\(p) against \(s)")
            checked += expected ? 1 : 0
        }
        #expect(checked > 100)
    }

    @Test(arguments: [
        ("*.bias", "blocks.0.attn.qkv.bias", true), ("*.bias", "bias", false), ("*.bias", ".bias", true),
        ("blocks.*.attn.*", "blocks.3.attn.qkv.weight", true), ("blocks.*.attn.*", "blocks.3.mlp.fc1.weight", false),
        ("blocks.*.attn.*", "blocks..attn.", true), ("a*a*a", "aa", false), ("a*a*a", "aaa", true),
        ("*head*", "decode_head.conv.weight", true), ("head.*", "decode_head.weight", false), ("**", "", true),
    ])
    func knownAnswers(pattern: String, name: String, expected: Bool) {
        #expect(Glob.matches(pattern, name) == expected)
    }
}
