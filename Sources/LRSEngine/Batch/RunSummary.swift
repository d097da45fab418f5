import LRSFiles
import Foundation
import LRSLanguage

/// What one run reports for a batch's results table; `lrs run --summary FILE` writes it.
public struct RunSummary: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case ok, failed, interrupted
    }

    public var status: Status
    public var epochs: Int = 0
    public var finalLoss: Double?
    public var finalAccuracy: Double?
    public var bestValidationLoss: Double?
    public var bestValidationAccuracy: Double?
    public var seconds: Double = 0
    /// The first line of the error, for a failed run.
    public var error: String?

    public init(status: Status) {
        self.status = status
    }

    /// A run whose script could not be read.
    public init(unreadable path: String) {
        self.init(status: .failed)
        error = "cannot read '\(path)'"
    }

    /// A run stopped by an error (nil: none to name), recorded as its first line.
    public init(failedAt diagnostic: Diagnostic?, in source: SourceFile) {
        self.init(status: .failed)
        error = diagnostic.map { DiagnosticRenderer().headline($0, in: source) }
    }

    /// A run stopped by Ctrl-C after `epochs` epochs.
    public init(interruptedAfter epochs: Int) {
        self.init(status: .interrupted)
        self.epochs = epochs
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(self)), to: path)
    }

    public static func read(from path: String) -> RunSummary? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(RunSummary.self, from: data)
    }
}
