import LRSFiles
import Foundation
import LRSLanguage
import Testing
import TestSupport
@testable import LRSEngine

/// The steps per epoch of `text` data come from the file's length (section 12: samples are
/// the i with i*T + T + 1 <= length), before and after `split`.
@Suite struct TextSampleCountTests {
    @Test func textSamplesAreWholeContextsWithTheirNextByte() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write([UInt8](repeating: 97, count: 1000), to: directory + "/t.txt")
        let source = SourceFile(path: directory + "/s.lrs", text: """
            model < embedding 256 8; linear 8 256 >
            optimizer sgd
            data text "t.txt" context 16
            split 0.25
            train batch 8
            """)
        let result = Checker.check(source)
        let script = try #require(result.script, "\(result.diagnostics.map(\.message))")
        let count = try #require(TrainingSampleCount.of(script)).get()
        // (1000 - 1) / 16 = 62 samples; round(15.5) = 16 validate; 46 train in batches of 8: 6 steps.
        #expect(count.samples == 46 && count.stepsPerEpoch == 6)
        #expect(count.origin == "'t.txt' holds 1000 bytes, 62 samples of context 16, 46 after 'split 0.25'")
    }
}
