import Foundation
import LRSFiles
import Testing
import TestSupport

/// Safetensors headers read in order without their data, and the JSON reader under them.
@Suite struct CheckpointHeadersTests {
    @Test func objectsKeepTheOrderOfTheText() throws {
        let json = try OrderedJSON.parse(Array(#" {"z": 1, "a": [true, null, "x\u00e9\ud83d\ude00"], "m": {"k": -2.5e3}} "#.utf8))
        #expect(json.members?.map(\.key) == ["z", "a", "m"])
        #expect(json["z"]?.integer == 1)
        #expect(json["a"]?.array?[2].string == "xé😀")
        #expect(json["m"]?["k"]?.integer == nil)
    }

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, "the name 'a' appears twice"),
        ("[[[[", "unexpected end of the text"),
        (String(repeating: "[", count: 1000), "nesting deeper than 64 levels"),
        (#"{"a": 01x}"#, "expected ',' or '}'"),
        (#"{"a": "\ud800"}"#, "a lone surrogate in a string"),
        (#"{"a": 1} x"#, "text after the JSON value"),
    ])
    func malformedTextIsRefused(text: String, reason: String) {
        do {
            _ = try OrderedJSON.parse(Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func invalidUTF8IsRefused() {
        #expect(throws: OrderedJSON.SyntaxError.self) { try OrderedJSON.parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    /// A file from a header written by hand and `data` as its data section.
    static func write(_ header: String, data: [UInt8]) throws -> String {
        var bytes: [UInt8] = []
        var length = UInt64(header.utf8.count)
        for _ in 0 ..< 8 {
            bytes.append(UInt8(length & 0xff))
            length >>= 8
        }
        let path = Fixtures.temporaryDirectory() + "/model.safetensors"
        try Data(bytes + Array(header.utf8) + data).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func headerOrderAndFloatConversions() throws {
        // 1.5 and -2 as F16, BF16, F64; an I64 and a BOOL. Laid out in another order than named.
        let f16: [UInt8] = [0x00, 0x3E, 0x00, 0xC0]
        let bf16: [UInt8] = [0xC0, 0x3F, 0x00, 0xC0]
        let f64 = [1.5, -2.0].flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
        let header = #"{"z.half":{"dtype":"F16","shape":[2],"data_offsets":[20,24]},"#
            + #""a.brain":{"dtype":"BF16","shape":[2],"data_offsets":[16,20]},"#
            + #""m.double":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},"#
            + #""count":{"dtype":"I64","shape":[],"data_offsets":[24,32]},"#
            + #""mask":{"dtype":"BOOL","shape":[1],"data_offsets":[32,33]},"__metadata__":{"format":"pt"}}"#
        let path = try Self.write(header, data: f64 + bf16 + f16 + [UInt8](repeating: 0, count: 9))
        let headers = try CheckpointHeaders.read(path: path)
        #expect(headers.tensors.map(\.name) == ["z.half", "a.brain", "m.double", "count", "mask"])
        #expect(headers.tensors.map(\.dtype) == [.f16, .bf16, .f64, .i64, .bool])
        #expect(try headers.floats(of: headers.tensors[0]) == [1.5, -2])
        #expect(try headers.floats(of: headers.tensors[1]) == [1.5, -2])
        #expect(try headers.floats(of: headers.tensors[2]) == [1.5, -2])
        #expect(try headers.floats(of: headers.tensors[3]) == nil)
        #expect(headers.files[0].header.metadata == ["format": "pt"])
    }

    /// A header declaring a terabyte is refused from its length alone, nothing allocated.
    @Test func declaredSizesAreCheckedAgainstTheFile() throws {
        let path = try Self.write(#"{"a":{"dtype":"F32","shape":[262144,1048576],"data_offsets":[0,1099511627776]}}"#, data: [])
        #expect(throws: FileFormatError.self) { try CheckpointHeaders.read(path: path) }
    }

    @Test func theIndexNamesShardsBesideIt() throws {
        let directory = Fixtures.temporaryDirectory()
        try #"{"weight_map": {"a": "../x.safetensors"}}"#.write(toFile: directory + "/m.index.json", atomically: true, encoding: .utf8)
        do {
            _ = try CheckpointHeaders.read(path: directory + "/m.index.json")
            Issue.record("accepted a shard outside the directory")
        } catch {
            #expect(error.reason == "the shard '../x.safetensors' of 'a' is not a file name beside the index")
        }
    }

    @Test func theRealShardedLlamaKeepsTheWeightMapOrder() throws {
        let headers = try CheckpointHeaders.read(path: Fixtures.path("models/llama/model.safetensors.index.json"))
        #expect(headers.files.count == 2)
        #expect(headers.tensors.count == 39)
        let single = try CheckpointHeaders.read(path: Fixtures.path("models/llama/model.safetensors"))
        #expect(Set(headers.tensors.map(\.name)) == Set(single.tensors.map(\.name)))
        let text = try String(contentsOfFile: Fixtures.path("models/llama/model.safetensors.index.json"), encoding: .utf8)
        let positions = headers.tensors.map { text.range(of: "\"\($0.name)\"")?.lowerBound }
        #expect(zip(positions, positions.dropFirst()).allSatisfy { a, b in
            guard let a, let b else { return false }
            return a < b
        })
    }

    /// Random damage to a real index and to a real shard's header never traps: each read
    /// ends in headers or in a `FileFormatError`.
    @Test func damagedIndexesAndHeadersNeverTrap() throws {
        let directory = Fixtures.temporaryDirectory()
        let source = Fixtures.path("models/llama")
        let shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        for shard in shards { try FileManager.default.copyItem(atPath: source + "/" + shard, toPath: directory + "/" + shard) }
        let index = try FileBytes.readAll(source + "/model.safetensors.index.json")
        let shard = try FileBytes.readAll(source + "/" + shards[0])
        var rng = SystemRandomNumberGenerator()
        for round in 0 ..< 300 {
            var damagedIndex = index
            var damagedShard = shard
            for _ in 0 ..< 3 {
                damagedIndex[Int.random(in: 0 ..< index.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
                // The length and the header: what the reader looks at.
                damagedShard[Int.random(in: 0 ..< 2000, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
            }
            try Data(damagedIndex).write(to: URL(fileURLWithPath: directory + "/model.safetensors.index.json"))
            try Data(round % 2 == 0 ? shard : damagedShard).write(to: URL(fileURLWithPath: directory + "/" + shards[0]))
            do {
                _ = try CheckpointHeaders.read(path: directory + "/model.safetensors.index.json")
            } catch {
                #expect(!error.reason.isEmpty)
            }
        }
    }
}
