import Foundation
import LRSFiles
import Testing
import TestSupport

/// A sharded checkpoint's index is matched against each shard's header by walking the header
/// in its own order while the index follows it, by name otherwise: the tensors, and the
/// errors for a name the shard lacks or a tensor the index leaves out, are the same either way.
@Suite struct IndexShardOrderTests {
    /// A shard of F32 scalars named `names`, written into `directory`.
    static func shard(_ names: [String], _ file: String, in directory: String) throws {
        let entries = names.enumerated().map { i, name in
            "\"\(name)\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[\(4 * i),\(4 * i + 4)]}"
        }
        let header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        var bytes: [UInt8] = []
        var length = UInt64(header.count)
        for _ in 0 ..< 8 {
            bytes.append(UInt8(length & 0xff))
            length >>= 8
        }
        try Data(bytes + header + [UInt8](repeating: 0, count: 4 * names.count)).write(to: URL(fileURLWithPath: directory + "/" + file))
    }

    /// The index naming `map` (tensor, shard) in that order.
    static func index(_ map: [(String, String)], in directory: String) throws -> String {
        let path = directory + "/model.safetensors.index.json"
        let members = map.map { "\"\($0.0)\": \"\($0.1)\"" }.joined(separator: ", ")
        try "{\"weight_map\": {\(members)}}".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func reason(_ map: [(String, String)], shards: [String: [String]]) throws -> String? {
        let directory = Fixtures.temporaryDirectory()
        for (file, names) in shards { try shard(names, file, in: directory) }
        let path = try index(map, in: directory)
        do {
            _ = try CheckpointHeaders.read(path: path)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func inAndOutOfTheShardsOrderReadAlike() throws {
        let directory = Fixtures.temporaryDirectory()
        try Self.shard(["a", "b", "c"], "1.safetensors", in: directory)
        try Self.shard(["d", "e"], "2.safetensors", in: directory)
        let inOrder = try CheckpointHeaders.read(path: try Self.index(
            [("a", "1.safetensors"), ("b", "1.safetensors"), ("c", "1.safetensors"), ("d", "2.safetensors"), ("e", "2.safetensors")],
            in: directory))
        #expect(inOrder.tensors.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(inOrder.tensors.map(\.file) == [0, 0, 0, 1, 1])
        let mixed = try CheckpointHeaders.read(path: try Self.index(
            [("e", "2.safetensors"), ("c", "1.safetensors"), ("a", "1.safetensors"), ("d", "2.safetensors"), ("b", "1.safetensors")],
            in: directory))
        #expect(mixed.tensors.map(\.name) == ["e", "c", "a", "d", "b"])
        #expect(mixed.tensors.map(\.entry.begin) == [4, 8, 0, 0, 4])
        #expect(mixed.files.map { ($0.path as NSString).lastPathComponent } == ["2.safetensors", "1.safetensors"])
    }

    @Test func aTensorTheIndexLeavesOutIsRefused() throws {
        // In the shard's order but one short; out of order and one short; a name the shard lacks.
        #expect(try Self.reason([("a", "1.safetensors"), ("b", "1.safetensors")], shards: ["1.safetensors": ["a", "b", "c"]])
                == "the shard '1.safetensors' holds 'c', which the index does not name")
        #expect(try Self.reason([("c", "1.safetensors"), ("a", "1.safetensors")], shards: ["1.safetensors": ["a", "b", "c"]])
                == "the shard '1.safetensors' holds 'b', which the index does not name")
        #expect(try Self.reason([("a", "1.safetensors"), ("x", "1.safetensors")], shards: ["1.safetensors": ["a", "b"]])
                == "'x' is not in its shard '1.safetensors'")
        #expect(try Self.reason([("a", "1.safetensors"), ("b", "1.safetensors")], shards: ["1.safetensors": ["a", "b"]]) == nil)
    }
}
