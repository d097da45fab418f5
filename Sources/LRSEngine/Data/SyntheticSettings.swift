import LRSLanguage

/// `data synthetic [samples N] [classes K] [noise X]` as a run reads it: a count that is
/// unset, not finite or out of range falls back to its default. Loading, the memory
/// estimate and the steps-per-epoch count all read the options here.
public struct SyntheticSettings: Equatable {
    public static let defaultSamples = 1000
    public static let defaultClasses = 10
    public static let defaultNoise = 0.5

    var samples: Int
    var classes: Int
    var noise: Double

    init(_ source: CheckedDataSource) {
        func value(_ name: String) -> Double? { source.options.first { $0.name == name }?.value.number }
        func count(_ name: String, _ fallback: Int) -> Int {
            guard let x = value(name), x.isFinite, x >= 1, x < 1e9 else { return fallback }
            return Int(x)
        }
        samples = count("samples", Self.defaultSamples)
        classes = count("classes", Self.defaultClasses)
        noise = value("noise") ?? Self.defaultNoise
    }
}
