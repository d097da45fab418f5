/// A CSV file of numbers, with an optional header row.
///
/// Cells are separated by commas; a cell may be quoted with `"` (a doubled `""` inside
/// is a quote). Blank lines are skipped. Every data cell must be a number: the first one
/// that is not is reported with its row and column (1-based, as a spreadsheet shows them).
public struct CSVTable: Sendable {
    public let header: [String]?
    public let columnCount: Int
    /// Row-major cells, `rowCount x columnCount`.
    public let cells: [Double]

    public var rowCount: Int { columnCount == 0 ? 0 : cells.count / columnCount }

    /// - Parameter header: true or false as the script says; nil guesses: a first row
    ///   with a cell that is not a number is a header.
    public static func parse(_ text: String, path: String, header: Bool?) throws -> CSVTable {
        let lines = try contentLines(text, path: path).map { (number: $0.number, cells: splitCells($0.text)) }
        guard let first = lines.first else { throw FileFormatError(path: path, "the CSV file has no rows") }
        let hasHeader = header ?? first.cells.contains { Double($0.trimmed) == nil }
        let names = hasHeader ? first.cells.map(\.trimmed) : nil
        let body = hasHeader ? Array(lines.dropFirst()) : lines
        guard !body.isEmpty else { throw FileFormatError(path: path, "the CSV file has a header but no data rows") }
        let width = first.cells.count
        var cells: [Double] = []
        cells.reserveCapacity(body.count * width)
        for row in body {
            guard row.cells.count == width else {
                throw FileFormatError(path: path, "row \(row.number) has \(row.cells.count) columns, the first row has \(width)")
            }
            for (column, cell) in row.cells.enumerated() {
                guard let value = Double(cell.trimmed), value.isFinite else {
                    throw FileFormatError(path: path, "row \(row.number), column \(column + 1): '\(cell.trimmed)' is not a finite number")
                }
                cells.append(value)
            }
        }
        return CSVTable(header: names, columnCount: width, cells: cells)
    }

    /// The lines that hold cells, with their 1-based numbers in the file: blank lines are
    /// skipped, and a byte-order mark (Excel writes one) is no part of the first cell.
    public static func contentLines(_ text: String, path: String) throws -> [(number: Int, text: Substring)] {
        var lines: [(number: Int, text: Substring)] = []
        var number = 0
        let unmarked = text.unicodeScalars.first == "\u{FEFF}" ? Substring(text.unicodeScalars.dropFirst()) : Substring(text)
        for line in unmarked.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            number += 1
            // A NUL is no text: a binary file, or a cell that would be cut short wherever it
            // is passed on as a C string.
            if let nul = line.firstIndex(of: "\0") {
                let column = line.distance(from: line.startIndex, to: nul) + 1
                throw FileFormatError(path: path, "line \(number), column \(column): a NUL byte, which a CSV file cannot hold")
            }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((number, line))
        }
        return lines
    }

    public static func splitCells(_ line: Substring) -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" {
                    var lookahead = chars
                    if lookahead.next() == "\"" {
                        current.append("\"")
                        chars = lookahead
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                cells.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        cells.append(current)
        return cells
    }
}

extension String {
    public var trimmed: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension CSVTable {
    /// The number of data rows `parse` would read, without converting any cell: non-blank
    /// lines, less the header row (as `header` says, else guessed as `parse` guesses it).
    public static func dataRowCount(_ bytes: [UInt8], path: String, header: Bool?) throws -> Int {
        let lines = try contentLines(String(decoding: bytes, as: UTF8.self), path: path)
        guard let first = lines.first else { throw FileFormatError(path: path, "the CSV file has no rows") }
        let hasHeader = header ?? splitCells(first.text).contains { Double($0.trimmed) == nil }
        return hasHeader ? lines.count - 1 : lines.count
    }
}
