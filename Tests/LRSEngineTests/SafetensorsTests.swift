import Foundation
import Testing
@testable import LRSEngine

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
        let dir = Fixtures.temporaryDirectory()
        let good = try FileBytes.readAll(Fixtures.path("reference/train_seed3/init.safetensors"))
        func attempt(_ bytes: [UInt8]) -> String? {
            let path = dir + "/bad.safetensors"
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
}
