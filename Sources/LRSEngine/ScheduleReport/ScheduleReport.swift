import LRSOptim

/// Renders a `RateTable` (what `lrs schedule` prints) as text: pure functions from the
/// table to bytes, so the command line only writes them out.
public enum ScheduleReport {
    /// `--format`.
    public enum Format: String, CaseIterable, Sendable {
        case table, csv, json, svg
    }

    /// Choices that only some formats read.
    public struct Options: Sendable {
        /// table: every row, instead of a summary of long runs.
        public var all: Bool
        /// table: the widest line to print.
        public var width: Int
        /// table: at most this many rows when not `all`.
        public var maximumRows: Int
        /// svg: a logarithmic rate axis.
        public var logScale: Bool
        /// svg: a title above the plot (the script's name, say).
        public var title: String?
        /// csv, json, svg: the hyperparameter the table holds (`--param`): `lr`,
        /// `weight_decay` or `momentum`, named in the CSV header, the JSON rows and the axis.
        public var parameter: String

        public init(all: Bool = false, width: Int = 80, maximumRows: Int = 40, logScale: Bool = false,
                    title: String? = nil, parameter: String = "lr") {
            self.all = all
            self.width = width
            self.maximumRows = maximumRows
            self.logScale = logScale
            self.title = title
            self.parameter = parameter
        }
    }

    /// The table in `format`, as UTF-8 bytes ready for standard output or a file.
    public static func render(_ table: RateTable, format: Format, options: Options = Options()) -> [UInt8] {
        switch format {
        case .csv: csv(table, parameter: options.parameter)
        case .table: Array(text(table, options: options).utf8)
        case .json: Array(json(table, parameter: options.parameter).utf8)
        case .svg: Array(svg(table, options: options).utf8)
        }
    }
}

/// Appending numbers to a byte buffer without building intermediate strings per row.
extension Array where Element == UInt8 {
    /// A non-negative integer in decimal (epochs and steps are never negative).
    mutating func appendDecimal(_ value: Int) {
        var v = UInt(Swift.max(value, 0))
        if v < 10 {
            append(UInt8(truncatingIfNeeded: 48 &+ v))
            return
        }
        // Digits backwards into a 20-byte stack buffer (UInt.max has 20 digits).
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &buffer) { raw in
            var i = 20
            while v > 0 && i > 0 {
                i -= 1
                raw[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                v /= 10
            }
            append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[i..<20]))
        }
    }

    /// The shortest text that reads back as the same double (Swift's `description`,
    /// which is Python's `repr` for every rate: `0.1`, `1e-05`, `0.0040000000000000036`).
    mutating func appendShortest(_ value: Double) {
        append(contentsOf: value.description.utf8)
    }
}
