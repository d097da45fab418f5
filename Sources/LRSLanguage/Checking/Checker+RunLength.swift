import Foundation
import LRSFiles

/// The run's length as expressions read it (section 15): `epochs`, `steps_per_epoch`
/// (optimizer steps per epoch) and `total_steps` (their product). Given by `lrs schedule`'s
/// options where written; otherwise the checker takes them from the script.
public struct RunLength: Sendable, Equatable {
    public var epochs: Int?
    public var stepsPerEpoch: Int?

    public init(epochs: Int? = nil, stepsPerEpoch: Int? = nil) {
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The names, in the order the contract lists them.
    public static let names = ["epochs", "steps_per_epoch", "total_steps"]
    static let nameBytes = names.map { Array($0.utf8) }
    /// Whether a byte starts one of the names, by byte value: most bytes are ruled out by
    /// one load, not a look at each name.
    static let startsName: [Bool] = (0..<256).map { byte in nameBytes.contains { Int($0[0]) == byte } }
}

extension Checker {
    /// Binds the run-length names before `statement` is checked when it may read them. A
    /// `train` or `checkpoint` statement says `epochs` as a word of its own, not a value.
    mutating func bindRunLengthIfRead(by statement: Statement) {
        guard needsRunLength else { return }
        switch statement.kind {
        case .train, .checkpoint: return
        default: break
        }
        if mentionsRunLength(statement.range) { bindRunLength() }
    }

    /// Whether the text in `range` holds one of the run-length names (a cheap scan of the
    /// bytes; a false positive only computes the length early).
    func mentionsRunLength(_ range: SourceRange) -> Bool {
        let end = min(range.end, source.bytes.count)
        guard range.start < end else { return false }
        // Every line of a generated script is scanned: bytes compared in place, a name's
        // first letter first, no slice or array made per position.
        let names = RunLength.nameBytes
        let startsName = RunLength.startsName
        return source.bytes.withUnsafeBufferPointer { bytes in
            for i in range.start..<end where startsName[Int(bytes[i])] {
                let first = bytes[i]
                for name in names where name[0] == first && i + name.count <= end {
                    var k = 1
                    while k < name.count, bytes[i + k] == name[k] { k += 1 }
                    if k == name.count { return true }
                }
            }
            return false
        }
    }

    /// Makes `epochs`, `steps_per_epoch` and `total_steps` constants where the options or the
    /// script tell them, and otherwise names what to add for the use to be an error saying
    /// so. A `let` of the same name (a version 1 script's) keeps its own value.
    mutating func bindRunLength() {
        guard needsRunLength else { return }
        runLengthBound = true
        runLengthTriedAt = script.statements.count
        runLengthGap = nil
        openRunLength = []
        forbiddenNames = Checker.constantContext
        // A checkpoint model is trained by the user's own code: its schedules may leave the
        // length to the exported build()'s keywords, its group values may not.
        // (The model statement, not `model`: pass 1 binds the names before pass 2 reads the file.)
        var leftOpen = false
        if options.leavesRunLengthOpen, let modelStatement, case .model(let syntax) = modelStatement.kind {
            leftOpen = syntax.file != nil
        }
        let epochs = runLengthEpochs()
        let steps = runLengthStepsPerEpoch()
        var reasons: [String: String] = [:]
        func bind(_ name: String, _ value: Result<Int, RunLengthGap>) {
            guard letRanges[name] == nil, constants[name] == nil else { return }
            switch value {
            case .success(let n): constants[name] = Double(n)
            case .failure(let gap) where leftOpen:
                openRunLength.append(name)
                reasons[name] = "here without the run's length (a schedule's arguments and milestones may leave "
                    + "it to the exported build(), group values may not): " + gap.advice
            case .failure(let gap): reasons[name] = "without the run's length: " + gap.advice
            }
        }
        bind("epochs", epochs)
        bind("steps_per_epoch", steps)
        switch (epochs, steps) {
        case (.success(let e), .success(let s)):
            let (product, overflow) = e.multipliedReportingOverflow(by: s)
            bind("total_steps", overflow ? .failure(.tooLong) : .success(product))
        case (.failure(let gap), _), (_, .failure(let gap)):
            bind("total_steps", .failure(gap))
        }
        boundRunLength = RunLength(epochs: try? epochs.get(), stepsPerEpoch: try? steps.get())
        if case .failure(let gap) = epochs { runLengthGap = gap } else if case .failure(let gap) = steps { runLengthGap = gap }
        if !reasons.isEmpty { forbiddenNames.merge(reasons) { _, new in new } }
    }

    /// Whether to bind the names: not yet, or not all of them with fewer statements than now
    /// (the REPL adds `train` or `data` after a line that needed them).
    private var needsRunLength: Bool {
        !runLengthBound || (runLengthGap != nil && runLengthTriedAt != script.statements.count)
    }

    /// What the script lacks for the run's length.
    enum RunLengthGap: Error {
        case noTrain, trainHasErrors, noData, unreadableData(String), noSamples, tooLong

        /// What to add, for messages.
        var advice: String {
            switch self {
            case .noTrain: return "add 'train epochs N' (or give '--epochs')"
            case .trainHasErrors: return "the 'train' statement that gives it has errors"
            case .noData:
                return "add a 'data' statement (steps per epoch come from its size, 'train batch' and "
                    + "'accumulate') or give '--steps-per-epoch'"
            case .unreadableData(let file):
                return "the number of samples in '\(file)' cannot be read; give '--steps-per-epoch'"
            case .noSamples: return "the data leaves no training samples"
            case .tooLong: return "the run has too many steps"
            }
        }
    }

    /// `--epochs`, else `train epochs` (1 when `train` does not say).
    private mutating func runLengthEpochs() -> Result<Int, RunLengthGap> {
        if let given = options.runLength.epochs { return .success(given) }
        if let train { return .success(train.epochs) }
        guard let statement = firstStatement(keyword: "train"), case .train(let options) = statement.kind,
              let checked = probe({ $0.checkTrain(options, range: statement.range) }) else {
            return .failure(firstStatement(keyword: "train") == nil ? .noTrain : .trainHasErrors)
        }
        return .success(checked.epochs)
    }

    /// `--steps-per-epoch`, else the data's training samples (less `split`) in batches of
    /// `train batch`, in runs of `accumulate` batches.
    private mutating func runLengthStepsPerEpoch() -> Result<Int, RunLengthGap> {
        if let given = options.runLength.stepsPerEpoch { return .success(given) }
        var settings = train
        if settings == nil, let statement = firstStatement(keyword: "train"), case .train(let options) = statement.kind {
            settings = probe { $0.checkTrain(options, range: statement.range) }
        }
        var source = dataSource
        if source == nil, let statement = firstStatement(keyword: "data"), case .data(let syntax) = statement.kind {
            source = probe { $0.checkDataSource(syntax, range: statement.range) }
        }
        guard let source else { return .failure(.noData) }
        guard let total = DataRowCount.samples(source) else {
            return .failure(.unreadableData(source.files.first?.written ?? source.kind.rawValue))
        }
        var samples = total
        if let statement = firstStatement(keyword: "split"), case .split(let expr) = statement.kind,
           let fraction = probe({ $0.number(expr, "the split fraction") }), fraction > 0, fraction < 1 {
            // As Dataset.splitLast: the last round(N x F) samples validate.
            samples = total - min(total, max(0, Int((Double(total) * fraction).rounded())))
        }
        let batch = max(1, settings?.batch ?? 32)
        let batches = samples / batch + (samples % batch == 0 ? 0 : 1)
        guard batches > 0 else { return .failure(.noSamples) }
        let accumulate = max(1, settings?.accumulate ?? 1)
        return .success(batches / accumulate + (batches % accumulate == 0 ? 0 : 1))
    }

    private func firstStatement(keyword: String) -> Statement? {
        script.statements.first { $0.keyword.text == keyword && !hasSyntaxError($0.range) }
    }

    /// Checks a statement ahead of its turn on a copy of the checker, keeping no diagnostic:
    /// its own turn reports them.
    private func probe<T>(_ body: (inout Checker) -> T?) -> T? {
        var copy = self
        copy.diagnostics = DiagnosticCollector(errorLimit: options.errorLimit)
        let value = body(&copy)
        return copy.diagnostics.hasErrors ? nil : value
    }
}

/// The number of samples a `data` statement gives, from the file's header or rows alone:
/// what the checker needs for `steps_per_epoch`.
enum DataRowCount {
    static func samples(_ source: CheckedDataSource) -> Int? {
        switch source.kind {
        case .synthetic:
            // SyntheticSettings' default when unset.
            guard case .integer(let n)? = source.options.first(where: { $0.name == "samples" })?.value else { return 1000 }
            return n
        case .npy:
            return source.files.first.flatMap { try? NpyArray.read(path: $0.path, loadingData: false).shape.first }
        case .csv:
            guard let file = source.files.first, let bytes = try? FileBytes.readAll(file.path) else { return nil }
            var header: Bool?
            if case .bool(let b)? = source.options.first(where: { $0.name == "header" })?.value { header = b }
            return try? CSVTable.dataRowCount(bytes, path: file.path, header: header)
        case .text:
            guard let file = source.files.first, let context = source.context,
                  let length = try? FileBytes.size(of: file.path) else { return nil }
            return TextData.sampleCount(length: length, context: context)
        }
    }
}
