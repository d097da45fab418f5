import LRSFiles
import Foundation
import Testing
import TestSupport
@testable import LRSEngine

/// Section 12's sequence data: `text` samples as shifted byte windows, integer token ids and
/// [N, T] targets from npy files, and the checks a run makes before it trains on them.
@Suite struct SequenceDataTests {
    @Test func textSamplesAreWindowsWithTargetsShiftedByOne() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/t.txt"
        try AtomicFile.write(Array("abcdefghij".utf8), to: path)
        // 10 bytes, context 3: i*3+4 <= 10 for i = 0, 1, 2.
        let data = try Dataset.text(path: path, context: 3)
        #expect(data.count == 3)
        #expect(data.sampleShape == [3])
        #expect(data.inputs == Array("abcdefghi".utf8).map { Float($0) })
        #expect(data.targets == .positionClasses(Array("bcdefghij".utf8).map { Int32($0) }, positions: 3))
        #expect(data.classCount == Int(UInt8(ascii: "j")) + 1)
        // Split and slice keep whole samples of targets.
        var training = data
        let validation = training.splitOffLast(0.34)
        #expect(training.count == 2 && validation.count == 1)
        #expect(validation.targets == .positionClasses(Array("hij".utf8).map { Int32($0) }, positions: 3))
        #expect(training.targets.classesPerSample == 3)
    }

    @Test func aTextShorterThanOneContextIsAProblemNamingTheFile() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/short.txt"
        try AtomicFile.write(Array("abcd".utf8), to: path)
        #expect(throws: DataProblem.textShorterThanContext(path: path, bytes: 4, context: 4)) {
            try Dataset.text(path: path, context: 4)
        }
        #expect(try Dataset.text(path: path, context: 3).count == 1)
    }

    @Test func integerIdsAndPerPositionTargetsFromNpy() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try AtomicFile.write(NpyArray.serialize(shape: [2, 3], int64s: [1, 2, 3, 4, 5, 300]), to: dir + "/x.npy")
        try AtomicFile.write(NpyArray.serialize(shape: [2, 3], int64s: [2, 3, 4, 5, 6, 7]), to: dir + "/y.npy")
        // Integer inputs only for a model that takes ids.
        #expect(throws: FileFormatError.self) {
            try Dataset.npy(inputs: dir + "/x.npy", targets: dir + "/y.npy", sampleShape: [3])
        }
        let data = try Dataset.npy(inputs: dir + "/x.npy", targets: dir + "/y.npy", sampleShape: [3], takesIds: true)
        #expect(data.inputs == [1, 2, 3, 4, 5, 300])
        #expect(data.targets == .positionClasses([2, 3, 4, 5, 6, 7], positions: 3))
        let bad = data.firstBadTokenId(rows: 256)
        #expect(bad?.sample == 1 && bad?.position == 2 && bad?.value == 300)
        #expect(data.firstBadTokenId(rows: 301) == nil)
        let fractional = Dataset(sampleShape: [2], inputs: [0, 1, 1.5, 2], targets: .classes([0, 1]))
        #expect(fractional.firstBadTokenId(rows: 10)?.sample == 1)
        #expect(Dataset(sampleShape: [1], inputs: [-1], targets: .classes([0])).firstBadTokenId(rows: 10)?.value == -1)
    }

    @Test func batchLabelsOfSequenceTargetsAreRowMajor() {
        let data = Dataset(sampleShape: [2], inputs: [0, 0, 0, 0, 0, 0],
                           targets: .positionClasses([1, 2, 3, 4, 5, 6], positions: 2))
        #expect(LossFunction.labels(of: data, rows: [2, 0]) == [5, 6, 1, 2])
        #expect(LossFunction.labels(of: Dataset(sampleShape: [1], inputs: [0], targets: .values([1], width: 1)), rows: [0]) == nil)
    }
}
