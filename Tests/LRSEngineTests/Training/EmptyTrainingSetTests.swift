import Foundation
import LRSEngine
import LRSLanguage
import Testing
import TestSupport

/// A run with no training samples is refused at the statement that left none, instead of
/// training on nothing and printing `loss nan` (issue 12, item 5).
@Suite struct EmptyTrainingSetTests {
    /// A version 1.0 npy file of `shape` holding no elements.
    static func emptyNpy(descr: String, shape: String) -> [UInt8] {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
    }

    func errors(_ text: String, in dir: String) -> [(DiagnosticCondition, Int)] {
        let source = SourceFile(path: dir + "/run.lrs", text: text)
        let (reports, diagnostics) = ScriptRunner.run(text, in: dir)
        #expect(reports.isEmpty)
        return diagnostics.filter { $0.severity == .error }.map { ($0.condition, $0.range.map { source.location(of: $0.start).line } ?? 0) }
    }

    @Test func anNpyFileWithNoRows() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.emptyNpy(descr: "<f4", shape: "(0, 4)")).write(to: URL(fileURLWithPath: dir + "/x.npy"))
        try Data(Self.emptyNpy(descr: "<i8", shape: "(0,)")).write(to: URL(fileURLWithPath: dir + "/y.npy"))
        let found = errors("""
            input 4
            model < linear 4 2 >
            data npy "x.npy" "y.npy"
            train epochs 1 batch 4
            """, in: dir)
        #expect(found.map(\.0) == [.noTrainingSamples(samples: 0, split: nil)])
        #expect(found.map(\.1) == [3])
        #expect(DiagnosticCondition.noTrainingSamples(samples: 0, split: nil).message == "the data has no samples to train on")
    }

    @Test func aSplitThatLeavesNoTrainingRows() {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let found = errors("""
            input 4
            model < linear 4 2 >
            data synthetic samples 10 classes 2
            split 0.99
            train epochs 1 batch 4
            """, in: dir)
        #expect(found.map(\.0) == [.noTrainingSamples(samples: 10, split: 0.99)])
        #expect(found.map(\.1) == [4])
        #expect(DiagnosticCondition.noTrainingSamples(samples: 10, split: 0.99).message
                == "split 0.99 of 10 samples leaves none to train on")
    }
}
