import Foundation
import LRSFiles
import Testing
import TestSupport

/// A safetensors entry is read by a one-pass reader when written as writers write it, and by
/// the general JSON reader otherwise: both must give the same tensors and the same errors,
/// and the first bad entry is reported only after the whole text was found to be JSON.
@Suite struct TensorEntryReaderTests {
    static func read(_ header: String, dataBytes: Int) throws -> [SafetensorsHeader.Entry] {
        let path = try CheckpointHeadersTests.write(header, data: [UInt8](repeating: 0, count: dataBytes))
        return try CheckpointHeaders.read(path: path).files[0].header.entries
    }

    static func reason(_ header: String, dataBytes: Int) -> String? {
        do {
            _ = try read(header, dataBytes: dataBytes)
            return nil
        } catch let error as FileFormatError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    /// Forty distinct shapes, each twice, interleaved (past the interner's first few, into
    /// its table), then in reverse offset order (sorted by offset to check the tiling):
    /// every tensor keeps its own shape.
    @Test func manyShapesKeepTheirOwn() throws {
        var members: [String] = []
        var offset = 0
        var shapes: [[Int]] = []
        for round in 0..<2 {
            for k in 1...40 {
                let shape = k % 3 == 0 ? [k] : [k, 2]
                let size = 4 * shape.reduce(1, *)
                members.append("\"t\(round).\(k)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + size)]}")
                shapes.append(shape)
                offset += size
            }
        }
        let entries = try Self.read("{" + members.joined(separator: ",") + "}", dataBytes: offset)
        #expect(entries.map(\.shape) == shapes)
        let reversed = try Self.read("{" + members.reversed().joined(separator: ",") + "}", dataBytes: offset)
        #expect(reversed.map(\.shape) == shapes.reversed())
    }

    /// The plain spelling, and spellings only the general reader takes (members reordered,
    /// an escaped name, an unknown member, white space), read alike.
    @Test func everySpellingOfAnEntryReadsAlike() throws {
        let b = #"{"dtype":"BF16","shape":[2,3],"data_offsets":[16,28]}"#
        let spellings = [
            #"{"dtype":"F32","shape":[4],"data_offsets":[0,16]}"#,
            #"{"data_offsets":[0,16],"shape":[4],"dtype":"F32"}"#,
            #"{"dty\u0070e":"F32","shape":[4],"data_offsets":[0,16]}"#,
            #"{"dtype":"F\u0033\u0032","shape":[4],"data_offsets":[0,16]}"#,
            #"{"dtype":"F32","shape":[4],"note":[1,{"x":null}],"data_offsets":[0,16]}"#,
            " {\n \"dtype\" : \"F32\" ,\t\"shape\" : [ 4 ] , \"data_offsets\" : [ 0 , 16 ] } ",
        ]
        let expected = try Self.read(#"{"a":\#(spellings[0]),"b":\#(b)}"#, dataBytes: 28)
        #expect(expected.map(\.name) == ["a", "b"])
        #expect(expected.map(\.shape) == [[4], [2, 3]])
        #expect(expected.map(\.dtype) == [.f32, .bf16])
        for spelling in spellings.dropFirst() {
            let entries = try Self.read(#"{"a":\#(spelling),"b":\#(b)}"#, dataBytes: 28)
            #expect(entries == expected, "\(spelling)")
        }
    }

    /// Entries the one-pass reader leaves to the general one, each with its own message.
    @Test(arguments: [
        (#"{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}"#, "the shape of tensor 'a' is not a list of whole numbers from 0"),
        (#"{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}"#, "the shape of tensor 'a' is not a list of whole numbers from 0"),
        (#"{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}"#, "the shape of tensor 'a' is not a list"),
        (#"{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}"#, "the data_offsets of tensor 'a' are not two whole numbers"),
        (#"{"dtype":"F32","shape":[1],"data_offsets":[0]}"#, "the data_offsets of tensor 'a' are not two whole numbers"),
        (#"{"dtype":"F32","shape":[1],"data_offsets":[0,4e0]}"#, "the data_offsets of tensor 'a' are not two whole numbers"),
        (#"{"dtype":"F32","shape":[1]}"#, "the data_offsets of tensor 'a' are not two whole numbers"),
        (#"{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, "the header names 'dtype' twice"),
        (#"{"dtype":32,"shape":[1],"data_offsets":[0,4]}"#, "malformed entry for tensor 'a'"),
        (#"{"shape":[1],"data_offsets":[0,4]}"#, "malformed entry for tensor 'a'"),
        (#"{}"#, "malformed entry for tensor 'a'"),
        (#"{"dtype":"f32","shape":[1],"data_offsets":[0,4]}"#, "tensor 'a' has dtype 'f32', which is none of"),
        (#"{"dtype":"F32","shape":[2],"data_offsets":[0,4]}"#, "tensor 'a' (F32 2) claims bytes 0..<4 of a 4-byte data section"),
        (#"{"dtype":"F32","shape":[1],"data_offsets":[4,0]}"#, "tensor 'a' (F32 1) claims bytes 4..<0"),
        (#"{"dtype":"F32","shape":[1],"data_offsets":[0,4]"#, "the header is not valid JSON"),
    ])
    func entriesLeftToTheGeneralReader(entry: String, message: String) {
        let reason = Self.reason(#"{"a":\#(entry)}"#, dataBytes: 4)
        #expect(reason?.contains(message) == true, "\(entry): \(reason ?? "accepted")")
    }

    /// A shard is opened once for its length and header, but only once it is known to be a
    /// regular file: a pipe is refused, never opened (opening one waits for a writer).
    @Test(.timeLimit(.minutes(1))) func aPipeIsRefusedUnopened() throws {
        let path = Fixtures.temporaryDirectory() + "/model.safetensors"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: FileFormatError(path: path, "not a regular file")) { try CheckpointHeaders.read(path: path) }
    }

    /// The first bad entry is reported, but not before the rest of the text was read: a JSON
    /// error after it, or a bad `__metadata__`, is what the file is refused for.
    @Test func errorsKeepTheirOrder() {
        let good = #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
        let bad = #"{"dtype":"F33","shape":[1],"data_offsets":[4,8]}"#
        let worse = #"{"dtype":"F32","shape":[1.5],"data_offsets":[4,8]}"#
        #expect(Self.reason(#"{"a":\#(good),"b":\#(bad),"c":\#(worse)}"#, dataBytes: 12)?
            .contains("tensor 'b' has dtype 'F33'") == true)
        #expect(Self.reason(#"{"a":\#(good),"b":\#(bad),"c":\#(good) x}"#, dataBytes: 12)?
            .contains("the header is not valid JSON") == true)
        #expect(Self.reason(#"{"b":\#(bad),"__metadata__":{"format":1}}"#, dataBytes: 8)?
            .contains("__metadata__ value of 'format' is not a string") == true)
        #expect(Self.reason(#"{"b":\#(bad),"b":\#(good)}"#, dataBytes: 8)?.contains("the header names 'b' twice") == true)
    }
}
