import LRSFiles
import Foundation
import LRSEngine
import Testing
import TestSupport

/// Data sets read from npy files straight into their Float storage (issue 12, item 19):
/// the same values as converting the whole file, float64 in several chunks included.
@Suite struct NpyFloatReadTests {
    @Test func float64InSeveralChunksConvertsAsFloatDoes() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let count = 300_001
        let values = (0..<count).map { Double($0) * 0.1 + 1e-9 }
        let path = dir + "/x.npy"
        try Data(NpyArray.serialize(shape: [count / 7, 7], descr: "<f8", data: values.prefix(count / 7 * 7).withUnsafeBytes { Array($0) }))
            .write(to: URL(fileURLWithPath: path))
        let header = try NpyArray.read(path: path, loadingData: false)
        #expect(header.shape == [count / 7, 7])
        let floats = try header.readFloats()
        #expect(floats == values.prefix(count / 7 * 7).map { Float($0) })
        #expect(floats == (try NpyArray.read(path: path).floats))
    }

    @Test func float32AndIntegersReadAsBefore() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let values: [Float] = [1.5, -2, 3.25, .greatestFiniteMagnitude, 0, 7]
        try Data(NpyArray.serialize(shape: [3, 2], floats: values)).write(to: URL(fileURLWithPath: dir + "/x.npy"))
        try Data(NpyArray.serialize(shape: [3], int64s: [2, 0, 1])).write(to: URL(fileURLWithPath: dir + "/y.npy"))
        #expect(try NpyArray.read(path: dir + "/x.npy", loadingData: false).readFloats() == values)
        #expect(try NpyArray.read(path: dir + "/y.npy", loadingData: false).readFloats() == [2, 0, 1])
        let data = try Dataset.npy(inputs: dir + "/x.npy", targets: dir + "/y.npy", sampleShape: [2])
        #expect(data.inputs == values)
        #expect(data.targets == .classes([2, 0, 1]))
    }

    @Test func aFileCutShortAfterItsHeaderWasReadIsAnError() throws {
        let dir = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/x.npy"
        let bytes = NpyArray.serialize(shape: [4, 2], floats: Array(repeating: 1, count: 8))
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let header = try NpyArray.read(path: path, loadingData: false)
        try Data(bytes.dropLast(4)).write(to: URL(fileURLWithPath: path))
        #expect(throws: FileFormatError.self) { try header.readFloats() }
    }
}
