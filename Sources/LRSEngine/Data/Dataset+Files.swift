import LRSFiles
import LRSLanguage
import Foundation

extension Dataset {
    /// `npy "X.npy" "Y.npy"`: X float32/float64 of shape [N, input...] (or integer token ids
    /// when `takesIds`, a model that starts with `embedding`); Y integer class indices [N],
    /// or [N, T] (one per position, for logits [B, T, V]), or floats [N, outputs] (or [N],
    /// one output).
    public static func npy(inputs xPath: String, targets yPath: String, sampleShape: [Int]?, takesIds: Bool = false) throws -> Dataset {
        // Headers first: the inputs' data is read once, into the data set, after every check.
        let x = try NpyArray.read(path: xPath, loadingData: false)
        let y = try NpyArray.read(path: yPath, loadingData: false)
        guard !x.isInteger || takesIds else {
            throw FileFormatError(path: xPath, "inputs must be float32 or float64, the file holds integers")
        }
        guard let n = x.shape.first, x.shape.count >= 2 else {
            throw FileFormatError(path: xPath, "inputs must have shape Nx(input...), the file has \(ShapeText.text(x.shape))")
        }
        let shape = Array(x.shape.dropFirst())
        if let expected = sampleShape, expected != shape {
            throw FileFormatError(path: xPath, "shape \(ShapeText.text(x.shape)) does not agree with `input \(expected.map(String.init).joined(separator: " "))`: expected Nx\(ShapeText.text(expected))")
        }
        guard y.shape.first == n else {
            throw FileFormatError(path: yPath, "targets have shape \(ShapeText.text(y.shape)), expected \(n) rows to match the inputs")
        }
        if y.isInteger {
            guard y.shape.count == 1 || y.shape.count == 2 else {
                throw FileFormatError(path: yPath, "integer targets are class indices of shape N or NxT, the file has \(ShapeText.text(y.shape))")
            }
            let labels = try y.loaded().integers
            let positions = y.shape.count == 2 ? y.shape[1] : 1
            if let bad = labels.firstIndex(where: { $0 < 0 || $0 > Int64(Int32.max) }) {
                throw FileFormatError(path: yPath, "class index \(labels[bad]) at row \(bad / max(positions, 1)) is negative or too large")
            }
            let classes = labels.map { Int32($0) }
            let inputs = try x.isInteger ? x.loaded().integers.map { Float($0) } : x.readFloats()
            guard y.shape.count == 2 else { return Dataset(sampleShape: shape, inputs: inputs, targets: .classes(classes)) }
            return Dataset(sampleShape: shape, inputs: inputs, targets: .positionClasses(classes, positions: positions))
        }
        guard !x.isInteger else {
            throw FileFormatError(path: yPath, "a model that takes token ids needs integer targets, the file holds floats")
        }
        guard y.shape.count <= 2 else {
            throw FileFormatError(path: yPath, "float targets must have shape [N] or [N, outputs], the file has \(ShapeText.text(y.shape))")
        }
        let width = y.shape.count == 2 ? y.shape[1] : 1
        return Dataset(sampleShape: shape, inputs: try x.readFloats(), targets: .values(try y.readFloats(), width: width))
    }

    /// Where the label is in a CSV file: a header name, or a 0-based column index.
    public enum CSVLabel: Sendable, Equatable {
        case name(String)
        case index(Int)
    }

    /// `csv "FILE.csv" [label COLUMN] [header BOOL]`: numeric columns, the label column
    /// (default the last); labels that are all whole numbers are class indices.
    public static func csv(path: String, label: CSVLabel?, header: Bool?, sampleShape: [Int]?) throws -> Dataset {
        let data = try FileBytes.readAll(path)
        let table = try CSVTable.parse(String(decoding: data, as: UTF8.self), path: path, header: header)
        let width = table.columnCount
        guard width >= 2 else { throw FileFormatError(path: path, "a CSV data file needs at least two columns (inputs and a label)") }
        let labelColumn: Int
        switch label {
        case nil: labelColumn = width - 1
        case let .index(i):
            guard i >= 0, i < width else { throw FileFormatError(path: path, "label column \(i) is out of range: the file has \(width) columns (0 to \(width - 1))") }
            labelColumn = i
        case let .name(name):
            guard let names = table.header else { throw FileFormatError(path: path, "label '\(name)' names a column, but the file has no header row") }
            guard let i = names.firstIndex(of: name) else {
                throw FileFormatError(path: path, "no column named '\(name)'; the columns are \(names.joined(separator: ", "))")
            }
            labelColumn = i
        }
        let features = width - 1
        if let expected = sampleShape, expected.reduce(1, *) != features {
            throw FileFormatError(path: path, "\(features) input columns do not agree with `input \(expected.map(String.init).joined(separator: " "))`")
        }
        var inputs: [Float] = []
        inputs.reserveCapacity(table.rowCount * features)
        var labels: [Double] = []
        for r in 0 ..< table.rowCount {
            for c in 0 ..< width {
                let v = table.cells[r * width + c]
                if c == labelColumn { labels.append(v) } else { inputs.append(Float(v)) }
            }
        }
        let shape = sampleShape ?? [features]
        if labels.allSatisfy({ $0 == $0.rounded() && $0 >= 0 && $0 < 1e9 }) {
            return Dataset(sampleShape: shape, inputs: inputs, targets: .classes(labels.map { Int32($0) }))
        }
        return Dataset(sampleShape: shape, inputs: inputs, targets: .values(labels.map { Float($0) }, width: 1))
    }
}
