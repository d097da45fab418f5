/// The data sources the language accepts (section 8): the files each names and its options.
public enum DataSourceKind: String, Sendable, CaseIterable {
    /// `npy INPUTS TARGETS`.
    case npy
    /// `csv FILE [label COLUMN] [header BOOL]`.
    case csv
    /// `synthetic [samples N] [classes K] [noise X]`.
    case synthetic

    /// How many files follow the kind.
    public var fileCount: Int {
        switch self {
        case .npy: return 2
        case .csv: return 1
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
        }
    }
}
