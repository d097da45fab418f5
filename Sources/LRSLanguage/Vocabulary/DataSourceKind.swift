/// The data sources the language accepts (section 8): the files each names and its options.
public enum DataSourceKind: String, Sendable, CaseIterable {
    /// `npy INPUTS TARGETS`.
    case npy
    /// `csv FILE [label COLUMN] [header BOOL]`.
    case csv
    /// `synthetic [samples N] [classes K] [noise X]`.
    case synthetic
    /// `text FILE context T` (section 12): the file's bytes as token ids 0-255, sample i
    /// being x = bytes[i*T, i*T+T) and y = bytes[i*T+1, i*T+T+1) (`TextData`).
    case text

    /// How many files follow the kind.
    public var fileCount: Int {
        switch self {
        case .npy: return 2
        case .csv, .text: return 1
        case .synthetic: return 0
        }
    }

    /// `KEY VALUE` options after the files.
    public var options: [ArgumentSpec] {
        switch self {
        case .npy:
            return []
        case .csv:
            return [ArgumentSpec("label", .expression, default: .unset), ArgumentSpec("header", .bool, default: .unset)]
        case .synthetic:
            return [ArgumentSpec("samples", .integer, default: .unset), ArgumentSpec("classes", .integer, default: .unset),
                    ArgumentSpec("noise", .number, default: .unset)]
        // No default: the context is the model's sequence length.
        case .text:
            return [ArgumentSpec("context", .integer, default: nil)]
        }
    }
}
