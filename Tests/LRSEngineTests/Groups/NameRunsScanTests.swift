import LRSFiles
import Testing
import TestSupport
@testable import LRSEngine

/// `NameRuns` reads each name eight bytes at a time (the next dot, whether any byte is past
/// ASCII): on random names of every length around those words, what it finds is what splitting
/// the name at its dots finds, and two names share a template exactly when their segments,
/// indices left out, are equal.
@Suite struct NameRunsScanTests {
    /// Index segments as PyTorch writes them: one to nine digits, no leading zero but `0`.
    static func reference(_ name: String) -> (values: [Int], segments: [Int], template: [String?]) {
        var values: [Int] = [], segments: [Int] = [], template: [String?] = []
        for (segment, part) in name.split(separator: ".", omittingEmptySubsequences: false).enumerated() {
            let utf8 = Array(part.utf8)
            let isIndex = (1...9).contains(utf8.count) && utf8.allSatisfy { $0 &- 0x30 < 10 } && (utf8.count == 1 || utf8[0] != 0x30)
            if isIndex {
                values.append(Int(part) ?? -1)
                segments.append(segment)
                template.append(nil)
            } else {
                template.append(String(part))
            }
        }
        return (values, segments, template)
    }

    @Test func randomNamesScanAsTheirSegments() {
        var random = SeededGenerator(state: 11)
        let alphabet: [String] = ["a", "b", "Z", "_", ".", ".", "0", "1", "7", "9", "é"]
        var names: [String] = []
        for _ in 0..<3000 {
            let length = Int(random.next() % 40)
            names.append((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined())
        }
        // Names that share templates, so that the comparisons find equal ones too.
        names += (0..<200).map { "blocks.\($0 % 13).attn.\($0 % 3).w\($0 % 2)" }
        NameBuffer(names).withView { view in
            let text = NameRuns.NameText(scanningAll: view)
            for (i, name) in names.enumerated() {
                let expected = Self.reference(name)
                #expect(Array(text.values[text.indexRange(i)]) == expected.values, "\(name)")
                #expect(Array(text.segments[text.indexRange(i)]) == expected.segments, "\(name)")
            }
            #expect(!text.ascii)
            // Pairs with indices at the same segments: same template exactly when the rest is equal.
            var compared = 0, same = 0
            for a in names.indices where text.hasIndices(a) {
                for b in names.indices.suffix(400) where b != a && text.segments[text.indexRange(a)] == text.segments[text.indexRange(b)] {
                    let expected = Self.reference(names[a]).template == Self.reference(names[b]).template
                    #expect(text.sameTemplate(a, b) == expected, "\(names[a]) / \(names[b])")
                    compared += 1
                    if expected { same += 1 }
                }
            }
            #expect(compared > 1000 && same > 100)
        }
        let ascii = names.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        NameBuffer(ascii).withView { #expect(NameRuns.NameText(scanningAll: $0).ascii) }
    }

    /// A name joins the family its predecessor's family was followed by last time when it has
    /// that family's text around its indices: the rows are those of scanning every name, on
    /// names that repeat in a pattern, break it, change shape, add or lose an index, or differ
    /// in one byte.
    @Test func predictedFamiliesGiveTheRowsOfScanning() {
        var random = SeededGenerator(state: 23)
        let roles = ["norm1.weight", "attn.qkv.weight", "attn.1.bias", "mlp.fc1.weight", "ln", "x.07.w", "é.w"]
        var compared = 0
        for _ in 0..<300 {
            var names: [String] = []
            var shapes: [String] = []
            let blocks = Int(random.next() % 12)
            for block in 0..<blocks {
                for role in roles.prefix(Int(random.next() % UInt64(roles.count)) + 1) {
                    var name = "blocks.\(block).\(role)"
                    switch random.next() % 20 {
                    case 0: name = "blocks.\(block)0.\(role)"
                    case 1: name = "block.\(block).\(role)"
                    case 2: name = "blocks.\(block).\(block).\(role)"
                    case 3: name = "blocks.0\(block).\(role)"
                    case 4: name += "x"
                    default: break
                    }
                    names.append(name)
                    shapes.append(random.next() % 15 == 0 ? "8" : "4x4")
                }
            }
            let shape = { (i: Int) in (shapes[i], shapes[i] == "8" ? 8 : 16) }
            let (predicted, scanned) = NameBuffer(names).withView {
                (NameRuns.rows($0, shape: shape), NameRuns.rows($0, predicting: false, shape: shape))
            }
            #expect(predicted == scanned, "\(names)")
            compared += names.count
        }
        #expect(compared > 3000)
    }
}
