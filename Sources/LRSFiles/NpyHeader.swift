/// The header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (96, 3, 28, 28), }`.
/// Parsed by a small scanner that accepts exactly that form, not by evaluating anything.
enum NpyHeader {
    struct Fields {
        var descr = ""
        var fortranOrder = false
        var shape: [Int] = []
    }

    static func parse(_ text: String, path: String) throws -> Fields {
        var scanner = Scanner(chars: Array(text.unicodeScalars), path: path)
        var fields = Fields()
        var seen: Set<String> = []
        try scanner.expect("{")
        while true {
            scanner.skipSpace()
            if scanner.take("}") { break }
            let key = try scanner.quoted()
            try scanner.expect(":")
            switch key {
            case "descr": fields.descr = try scanner.quoted()
            case "fortran_order": fields.fortranOrder = try scanner.boolean()
            case "shape": fields.shape = try scanner.tuple()
            default: throw scanner.error("unexpected key '\(key)' in the .npy header")
            }
            seen.insert(key)
            scanner.skipSpace()
            if scanner.take(",") { continue }
            try scanner.expect("}")
            break
        }
        guard seen.isSuperset(of: ["descr", "fortran_order", "shape"]) else {
            throw scanner.error("the .npy header lacks descr, fortran_order or shape")
        }
        return fields
    }

    static func element(_ descr: String, path: String) throws -> NpyArray.Element {
        let chars = Array(descr)
        guard chars.count >= 3, let size = Int(String(chars[2...])) else {
            throw FileFormatError(path: path, "unsupported dtype '\(descr)'")
        }
        let order = chars[0]
        guard order == "<" || order == "|" || order == "=" else {
            throw FileFormatError(path: path, "big-endian dtype '\(descr)' is not supported; use little-endian")
        }
        switch (chars[1], size) {
        case ("f", 4), ("f", 8): return .float(bytes: size)
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): return .signed(bytes: size)
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): return .unsigned(bytes: size)
        default:
            throw FileFormatError(path: path, "unsupported dtype '\(descr)' (lrs reads float32/float64 and integer arrays)")
        }
    }

    private struct Scanner {
        let chars: [Unicode.Scalar]
        let path: String
        var at = 0

        func error(_ message: String) -> FileFormatError { FileFormatError(path: path, "corrupt .npy header: \(message)") }

        mutating func skipSpace() {
            while at < chars.count, chars[at] == " " || chars[at] == "\n" || chars[at] == "\t" { at += 1 }
        }

        mutating func take(_ c: Unicode.Scalar) -> Bool {
            skipSpace()
            if at < chars.count, chars[at] == c {
                at += 1
                return true
            }
            return false
        }

        mutating func expect(_ c: Unicode.Scalar) throws {
            guard take(c) else { throw error("expected '\(c)'") }
        }

        mutating func quoted() throws -> String {
            skipSpace()
            guard at < chars.count, chars[at] == "'" || chars[at] == "\"" else { throw error("expected a quoted string") }
            let quote = chars[at]
            at += 1
            var out = String.UnicodeScalarView()
            while at < chars.count, chars[at] != quote {
                out.append(chars[at])
                at += 1
            }
            guard at < chars.count else { throw error("unterminated string") }
            at += 1
            return String(out)
        }

        mutating func boolean() throws -> Bool {
            skipSpace()
            for (word, value) in [("True", true), ("False", false)] {
                let w = Array(word.unicodeScalars)
                if at + w.count <= chars.count, Array(chars[at ..< at + w.count]) == w {
                    at += w.count
                    return value
                }
            }
            throw error("expected True or False")
        }

        mutating func tuple() throws -> [Int] {
            try expect("(")
            var dims: [Int] = []
            while true {
                if take(")") { return dims }
                skipSpace()
                var digits = 0
                var value = 0
                while at < chars.count, let d = Int(String(chars[at])), chars[at].isASCII {
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (s, o2) = m.addingReportingOverflow(d)
                    guard !o1, !o2 else { throw error("dimension too large") }
                    value = s
                    digits += 1
                    at += 1
                }
                guard digits > 0 else { throw error("expected a dimension") }
                if take("L") {}
                dims.append(value)
                if take(",") { continue }
                try expect(")")
                return dims
            }
        }
    }
}
