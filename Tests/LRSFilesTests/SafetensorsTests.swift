@testable import LRSFiles
import Foundation
import Testing
import TestSupport


@Suite struct SafetensorsTests {
    @Test func readsPyTorchsStateDict() throws {
        let file = try SafetensorsFile.read(path: Fixtures.path("reference/train_seed2/init.safetensors"))
        #expect(Set(file.names) == ["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"])
        let w = try #require(file["layer1.weight"])
        #expect(w.type == .f32)
        #expect(w.shape == [50, 100])
        // nn.Linear(100, 50) initialises within ±1/sqrt(100).
        #expect(w.floats.allSatisfy { abs($0) <= 0.1 })
        #expect(w.floats.contains { $0 != 0 })
    }

    @Test func roundTripsTensorsAndMetadata() throws {
        var file = SafetensorsFile()
        file.set("0.weight", StoredTensor(floats: [1, -2, 3.5, 4], shape: [2, 2]))
        file.set("1.num_batches_tracked", StoredTensor(int64s: [7], shape: []))
        file.set("optimizer.state.0.step", StoredTensor(doubles: [3], shape: []))
        file.metadata["lrs.position"] = "{\"epoch\": 2}"
        let dir = Fixtures.temporaryDirectory()
        let path = dir + "/state.safetensors"
        try file.write(to: path)
        let back = try SafetensorsFile.read(path: path)
        #expect(back["0.weight"] == file["0.weight"])
        #expect(back["1.num_batches_tracked"]?.int64s == [7])
        #expect(back["1.num_batches_tracked"]?.shape == [])
        #expect(back["optimizer.state.0.step"]?.doubles == [3])
        #expect(back.metadata == file.metadata)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["state.safetensors"])
    }

    @Test func refusesTruncatedAndCorruptFiles() throws {
        let good = try FileBytes.readAll(Fixtures.path("reference/train_seed3/init.safetensors"))
        func attempt(_ bytes: [UInt8]) -> String? { Self.reason(bytes) }
        #expect(attempt(Array(good.prefix(good.count - 10)))?.contains("claims bytes") == true)
        #expect(attempt(Array(good.prefix(5)))?.contains("shorter than the 8-byte") == true)
        var hugeHeader = good
        hugeHeader[7] = 0x7f
        #expect(attempt(hugeHeader)?.contains("header length") == true)
        var badJSON = good
        badJSON[8] = UInt8(ascii: "[")
        #expect(attempt(badJSON) != nil)
        // Random damage anywhere never traps.
        var rng = SystemRandomNumberGenerator()
        for _ in 0 ..< 200 {
            var damaged = good
            for _ in 0 ..< 3 { damaged[Int.random(in: 0 ..< 300, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng) }
            _ = attempt(damaged)
        }
    }

    /// A file from a header written by hand and `dataBytes` zero bytes of data.
    static func handMade(_ header: String, dataBytes: Int) -> [UInt8] {
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var length = UInt64(headerBytes.count)
        var out: [UInt8] = []
        for _ in 0 ..< 8 {
            out.append(UInt8(length & 0xff))
            length >>= 8
        }
        return out + headerBytes + [UInt8](repeating: 0, count: dataBytes)
    }

    static func reason(_ bytes: [UInt8]) -> String? {
        let path = Fixtures.temporaryDirectory() + "/hand.safetensors"
        try? AtomicFile.write(bytes, to: path)
        do {
            _ = try SafetensorsFile.read(path: path)
            return nil
        } catch let error as FileFormatError {
            return error.reason
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test(arguments: [
        // Two tensors sharing bytes 16..<32.
        (#"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},"b":{"dtype":"F32","shape":[8],"data_offsets":[16,48]}}"#, 48,
         "corrupt safetensors file: tensors 'a' (bytes 0..<32) and 'b' (bytes 16..<48) overlap"),
        // The same bytes twice.
        (#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, 16,
         "corrupt safetensors file: tensors 'a' (bytes 0..<16) and 'b' (bytes 0..<16) overlap"),
        (#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}}"#, 24,
         "corrupt safetensors file: bytes 0..<8 of the data section belong to no tensor"),
        (#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, 24,
         "corrupt safetensors file: bytes 16..<24 of the 24-byte data section belong to no tensor"),
        (#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, 8,
         "corrupt safetensors file: tensor 'a' (F32 4) claims bytes 0..<16 of a 8-byte data section"),
        (#"{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, 16,
         "corrupt safetensors file: tensor 'a' has shape 4294967296x4294967296, whose size in bytes overflows"),
        (#"{"a":{"dtype":"F64","shape":[-2,-8],"data_offsets":[0,16]}}"#, 16,
         "corrupt safetensors file: the shape of tensor 'a' is not a list of whole numbers from 0"),
    ])
    func refusesOffsetsThatDoNotTileTheData(header: String, dataBytes: Int, expected: String) {
        #expect(Self.reason(Self.handMade(header, dataBytes: dataBytes)) == expected)
    }

    @Test func readsEmptyTensorsAndAnExactTiling() {
        let header = #"{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I64","shape":[],"data_offsets":[8,16]}}"#
        #expect(Self.reason(Self.handMade(header, dataBytes: 16)) == nil)
    }
}
