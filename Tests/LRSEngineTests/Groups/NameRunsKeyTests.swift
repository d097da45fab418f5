import Testing
@testable import LRSEngine

/// The rows' keys are hashed by their bytes when every name is ASCII, and by Swift's string
/// hash otherwise: names that differ in one place only, or only in their shape, stay apart
/// either way, and non-ASCII names still merge when canonically equal.
@Suite struct NameRunsKeyTests {
    func rows(_ names: [String], shape: (String) -> String = { _ in "4x4" }) -> [String] {
        NameRuns.rows(names) { (shape(names[$0]), 16) }.map { $0.members > 1 ? "\($0.name) \($0.members)" : $0.name }
    }

    @Test func asciiKeysKeepPrefixSuffixAndShapeApart() {
        // Same bytes around the index, split at another place: "ab.{i}.c" and "a.{i}.bc" differ.
        let names = (0..<3).map { "ab.\($0).c" } + (0..<3).map { "a.\($0).bc" }
        #expect(rows(names) == ["ab.{0..2}.c 3", "a.{0..2}.bc 3"])
        let shapes = { (name: String) in name.hasSuffix(".v") ? "2x8" : "8x2" }
        #expect(rows((0..<3).map { "m.\($0).w" } + (0..<3).map { "m.\($0).v" }, shape: shapes)
                == ["m.{0..2}.w 3", "m.{0..2}.v 3"])
    }

    /// Indices are read from the bytes: at most nine digits (a longer one is a name, never an
    /// overflow), and empty segments are not indices.
    @Test func longAndEmptySegmentsAreNames() {
        let long = (0..<3).map { "a.\($0)123456789012345678901234567890.w" }
        #expect(rows(long) == long)
        #expect(rows(["a..w", "a.0.", "a.1.", "a.2."]) == ["a..w", "a.{0..2}. 3"])
        #expect(rows((7..<10).map { "b.99999999\($0).w" }) == ["b.{999999997..999999999}.w 3"])
    }

    @Test func nonAsciiNamesMergeWhenCanonicallyEqual() {
        // "é" precomposed in two names and decomposed in the third: one run, as Swift's == says.
        let names = ["caf\u{E9}.0.w", "cafe\u{301}.1.w", "caf\u{E9}.2.w", "na\u{EF}ve.3.w"]
        #expect(rows(names) == ["caf\u{E9}.{0..2}.w 3", "na\u{EF}ve.3.w"])
    }
}
