import LRSFiles
import Foundation
import Testing
import TestSupport
@testable import LRSEngine

@Suite struct NpyTests {
    @Test func readsNumPysFiles() throws {
        let x = try NpyArray.read(path: Fixtures.path("reference/train_seed1/x.npy"))
        #expect(x.shape == [96, 3, 28, 28])
        #expect(!x.isInteger)
        let y = try NpyArray.read(path: Fixtures.path("reference/train_seed1/y.npy"))
        #expect(y.shape == [96])
        #expect(y.isInteger)
        #expect(y.integers.allSatisfy { (0 ..< 10).contains($0) })
    }

    @Test func loadsADatasetAndChecksTheInputShape() throws {
        let x = Fixtures.path("reference/train_sgd_nesterov_mse/x.npy")
        let y = Fixtures.path("reference/train_sgd_nesterov_mse/y.npy")
        let data = try Dataset.npy(inputs: x, targets: y, sampleShape: [8])
        #expect(data.count == 70)
        guard case let .values(values, width) = data.targets else {
            Issue.record("float targets expected")
            return
        }
        #expect(width == 3)
        #expect(values.count == 210)
        #expect(throws: FileFormatError.self) { try Dataset.npy(inputs: x, targets: y, sampleShape: [9]) }
        // Rows of 8 values are samples of `input 2 4` (row-major, as a CSV's rows); of `input 3 3`, not.
        let images = try Dataset.npy(inputs: x, targets: y, sampleShape: [2, 4])
        #expect(images.sampleShape == [2, 4])
        #expect(images.inputs == data.inputs)
        #expect(throws: FileFormatError.self) { try Dataset.npy(inputs: x, targets: y, sampleShape: [3, 3]) }
    }

    @Test func refusesFortranOrderOtherDtypesAndTruncation() throws {
        let dir = Fixtures.temporaryDirectory()
        func reason(_ header: String, data: Int) -> String? {
            var h = header
            while (10 + h.utf8.count + 1) % 64 != 0 { h += " " }
            h += "\n"
            let bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(h.utf8.count), 0] + Array(h.utf8) + [UInt8](repeating: 0, count: data)
            let path = dir + "/a.npy"
            try? AtomicFile.write(bytes, to: path)
            do {
                _ = try NpyArray.read(path: path)
                return nil
            } catch let e as FileFormatError {
                return e.reason
            } catch {
                return "\(error)"
            }
        }
        #expect(reason("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: 24) == nil)
        #expect(reason("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data: 24)?.contains("Fortran") == true)
        #expect(reason("{'descr': '<U8', 'fortran_order': False, 'shape': (2,), }", data: 64)?.contains("unsupported dtype") == true)
        #expect(reason("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data: 8)?.contains("big-endian") == true)
        #expect(reason("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: 20)?.contains("truncated") == true)
        #expect(reason("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 99999999999), }", data: 0) != nil)
        #expect(reason("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }", data: 0) != nil)
    }

    @Test func writesWhatItReads() throws {
        let dir = Fixtures.temporaryDirectory()
        try AtomicFile.write(NpyArray.serialize(shape: [2, 2], floats: [1, 2, 3, 4]), to: dir + "/x.npy")
        try AtomicFile.write(NpyArray.serialize(shape: [2], int64s: [0, 1]), to: dir + "/y.npy")
        let data = try Dataset.npy(inputs: dir + "/x.npy", targets: dir + "/y.npy", sampleShape: nil)
        #expect(data.inputs == [1, 2, 3, 4])
        #expect(data.targets == .classes([0, 1]))
    }
}
