/// The runs of a batch: every script, for every combination of the `-D` values.
///
/// `-D lr=0.1,0.01 -D wd=0,1e-4` over two scripts is 2 x 2 x 2 = 8 runs, scripts outermost,
/// then the axes in command-line order, the last varying fastest (as nested loops read).
public struct GridPlan: Sendable {
    /// One `-D NAME=V1,V2,...` option.
    public struct Axis: Sendable, Equatable {
        public let name: String
        public let values: [String]
    }

    /// One run: a script and the value chosen for each axis.
    public struct Run: Sendable, Equatable {
        public let index: Int
        public let script: String
        public let overrides: [(name: String, value: String)]

        public static func == (a: Run, b: Run) -> Bool {
            a.index == b.index && a.script == b.script
                && a.overrides.map(\.name) == b.overrides.map(\.name) && a.overrides.map(\.value) == b.overrides.map(\.value)
        }

        /// `name=value` pairs as `-D` arguments for a child `lrs run`.
        public var defineArguments: [String] { overrides.flatMap { ["-D", "\($0.name)=\($0.value)"] } }
    }

    public let axes: [Axis]
    public let runs: [Run]

    public init(scripts: [String], axes: [Axis]) {
        self.axes = axes
        var runs: [Run] = []
        for script in scripts {
            var combos: [[(name: String, value: String)]] = [[]]
            for axis in axes {
                combos = combos.flatMap { prefix in axis.values.map { prefix + [(axis.name, $0)] } }
            }
            for combo in combos { runs.append(Run(index: runs.count, script: script, overrides: combo)) }
        }
        self.runs = runs
    }

    /// Parses `NAME=V1,V2,...` (values as written; `LetOverrides` accepts only finite
    /// numbers). Commas inside brackets stay in a value, so `-D lr=max(0.1,0.2)` is one
    /// value, which `LetOverrides` then refuses as not a number rather than splitting it.
    public static func parseAxis(_ text: String) -> Axis? {
        guard let eq = text.firstIndex(of: "=") else { return nil }
        let name = String(text[..<eq]).trimmingSpaces
        guard let first = name.first, first.isLetter || first == "_",
              name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), name.allSatisfy(\.isASCII)
        else { return nil }
        var values: [String] = []
        var current = ""
        var depth = 0
        for c in text[text.index(after: eq)...] {
            switch c {
            case "(", "[": depth += 1
            case ")", "]": depth -= 1
            default: break
            }
            if c == ",", depth == 0 {
                values.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(c)
            }
        }
        values.append(current.trimmingSpaces)
        guard !values.contains(where: \.isEmpty) else { return nil }
        return Axis(name: name, values: values)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
