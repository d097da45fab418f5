/// A quoted glob with captures (section 14): `"blocks.{i}.*"`. `{NAME}` matches one or
/// more decimal digits and binds NAME to their number; the rest is `Glob`'s fnmatch syntax.
///
/// A capture takes the whole run of digits where it stands (`{i}` never stops before a
/// digit), and under a `*` the leftmost place that lets the rest match wins: the values
/// are then unambiguous, and matching stays linear as `Glob`'s does.
public struct CaptureGlob: Sendable {
    /// The glob as written (escapes resolved).
    public let text: String
    /// The capture names in order of appearance (distinct: a name appears once per glob).
    public let names: [String]
    /// Where each name is written: offsets in `text` from `parse`, source offsets once the
    /// parser has placed the glob (diagnostics about a name point at it).
    public var nameRanges: [SourceRange]
    let elements: [Element]

    /// One piece of the pattern: a character, `?`, a `[...]` set, `*` or a capture (by slot).
    enum Element: Sendable {
        case scalar(UInt32)
        case any
        case set([ClosedRange<UInt32>], negated: Bool)
        case star
        case capture(Int)
    }

    /// A malformed capture, with where it is in `text` (UTF-8 offsets).
    public struct Problem: Sendable, Error {
        public let condition: DiagnosticCondition
        public let offsets: Range<Int>
    }

    /// The values the captures take on `name`, in the order of `names`; `nil` when the glob
    /// does not match (a run of digits too long for an `Int` matches nothing).
    public func match(_ name: String) -> [Int]? {
        let s = Array(name.unicodeScalars.lazy.map(\.value))
        var values = [Int](repeating: 0, count: names.count)
        var i = 0, j = 0
        var starP = -1, starS = 0
        while j < s.count {
            if i < elements.count, case .star = elements[i] {
                starP = i
                starS = j
                i += 1
            } else if i < elements.count, let next = step(elements[i], s, j, &values) {
                i += 1
                j = next
            } else if starP >= 0 {
                // Slots set after the star are set again on the way forward.
                i = starP + 1
                starS += 1
                j = starS
            } else {
                return nil
            }
        }
        while i < elements.count, case .star = elements[i] { i += 1 }
        return i == elements.count ? values : nil
    }

    /// Matches one element at `s[j]`; the index after what it took, or `nil`.
    private func step(_ element: Element, _ s: [UInt32], _ j: Int, _ values: inout [Int]) -> Int? {
        switch element {
        case .scalar(let c): return s[j] == c ? j + 1 : nil
        case .any: return j + 1
        case .set(let ranges, let negated):
            return ranges.contains { $0.contains(s[j]) } != negated ? j + 1 : nil
        case .star: return nil
        case .capture(let slot):
            var k = j
            var value = 0
            while k < s.count, let digit = CaptureGlob.digit(s[k]) {
                let (times, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(digit)
                if overflow || overflow2 { return nil }
                value = sum
                k += 1
            }
            guard k > j else { return nil }
            values[slot] = value
            return k
        }
    }

    static func digit(_ c: UInt32) -> Int? {
        c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil
    }

    /// The glob with each capture as `*`, for the nearest names when it matches none.
    public var starred: String {
        var out = ""
        var inCapture = false
        for c in text.unicodeScalars {
            if inCapture {
                if c == "}" { inCapture = false }
            } else if c == "{" {
                inCapture = true
                out += "*"
            } else {
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The most captures a glob, or a group's selector, may bind. Real globs bind one to
    /// three; the limit keeps a hostile script's matching linear in its length.
    public static let limit = 16

    /// Whether `text` has a capture to parse (else it is a plain `Glob`).
    public static func hasCapture(_ text: String) -> Bool { text.utf8.contains(UInt8(ascii: "{")) }

    /// Parses a glob with captures: `{}`, `{1x}`, an unclosed `{`, a name twice, and two
    /// captures side by side (which no name could tell apart) are problems.
    public static func parse(_ text: String) -> Result<CaptureGlob, Problem> {
        let scalars = Array(text.unicodeScalars)
        // UTF-8 offset of each scalar, and of the end.
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)
        var elements: [Element] = []
        var names: [String] = []
        var nameOffsets: [Range<Int>] = []
        var k = 0
        func problem(_ condition: DiagnosticCondition, _ from: Int, _ to: Int) -> Result<CaptureGlob, Problem> {
            .failure(Problem(condition: condition, offsets: offsets[from]..<offsets[Swift.min(to, scalars.count)]))
        }
        while k < scalars.count {
            let c = scalars[k]
            switch c {
            case "*":
                elements.append(.star)
                k += 1
            case "?":
                elements.append(.any)
                k += 1
            case "[":
                let (element, next) = set(scalars, k)
                elements.append(element)
                k = next
            case "{":
                guard let close = scalars[(k + 1)...].firstIndex(of: "}") else {
                    return problem(.captureUnclosed, k, k + 1)
                }
                let name = String(String.UnicodeScalarView(scalars[(k + 1)..<close]))
                if name.isEmpty { return problem(.captureEmpty, k, close + 1) }
                guard isName(name) else { return problem(.captureNotAName(name), k + 1, close) }
                if names.contains(name) { return problem(.captureTwice(name), k + 1, close) }
                if names.count == CaptureGlob.limit { return problem(.tooManyCaptures(limit: CaptureGlob.limit), k, close + 1) }
                if case .capture? = elements.last { return problem(.capturesAdjacent(name), k, close + 1) }
                elements.append(.capture(names.count))
                names.append(name)
                nameOffsets.append(offsets[k + 1]..<offsets[close])
                k = close + 1
            default:
                elements.append(.scalar(c.value))
                k += 1
            }
        }
        let ranges = nameOffsets.map { SourceRange(start: $0.lowerBound, end: $0.upperBound) }
        return .success(CaptureGlob(text: text, names: names, nameRanges: ranges, elements: elements))
    }

    /// A `[...]` set at `k` as `Glob` reads it (`[!...]` negates, `a-z` ranges, a `]` first
    /// is literal, an unclosed `[` is a literal `[`), and the index after it.
    private static func set(_ p: [Unicode.Scalar], _ k: Int) -> (Element, Int) {
        var i = k + 1
        var negated = false
        if i < p.count, p[i] == "!" { negated = true; i += 1 }
        var ranges: [ClosedRange<UInt32>] = []
        var first = true
        while i < p.count, p[i] != "]" || first {
            first = false
            if i + 2 < p.count, p[i + 1] == "-", p[i + 2] != "]" {
                if p[i].value <= p[i + 2].value { ranges.append(p[i].value...p[i + 2].value) }
                i += 3
            } else {
                ranges.append(p[i].value...p[i].value)
                i += 1
            }
        }
        guard i < p.count else { return (.scalar(p[k].value), k + 1) }
        return (.set(ranges, negated: negated), i + 1)
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, the language's identifiers.
    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || digit($0.value) != nil)) }
    }
}
