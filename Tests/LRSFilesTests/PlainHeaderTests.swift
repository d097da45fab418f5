import Foundation
import Testing
import TestSupport
@testable import LRSFiles

/// A header as writers write it is read in one pass (`PlainHeaderReader`); any
/// other, valid or not, by the general reader. Both must give the same tensors, metadata
/// and errors: each header here is read both ways.
@Suite struct PlainHeaderTests {
    static let a = #"{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
    static let b = #"{"dtype":"BF16","shape":[2,3],"data_offsets":[8,20]}"#

    /// (header text, data section size)
    static let headers: [(String, Int)] = [
        // As writers write them: metadata first or last, padded with spaces, white space.
        (#"{"__metadata__":{"format":"pt"},"x.weight":\#(a),"x.bias":\#(b)}"#, 20),
        (#"{"x.weight":\#(a),"x.bias":\#(b),"__metadata__":{"format":"pt","k":"v"}}"#, 20),
        (#"{"x.weight":\#(a),"x.bias":\#(b)}        "#, 20),
        (" {\n \"x.weight\" : \(a) ,\n\t\"x.bias\" :\(b) \n} ", 20),
        ("{}", 0),
        ("{ }  ", 0),
        (#"{"__metadata__":{}}"#, 0),
        // Valid, but only for the general reader: offsets out of header order, a name that
        // is not ASCII or has an escape, members of an entry reordered.
        (#"{"x.bias":\#(b),"x.weight":\#(a)}"#, 20),
        (#"{"é.weight":\#(a),"x.bias":\#(b)}"#, 20),
        (#"{"x\u002eweight":\#(a),"x.bias":\#(b)}"#, 20),
        (#"{"x.weight":{"data_offsets":[0,8],"shape":[2],"dtype":"F32"},"x.bias":\#(b)}"#, 20),
        // Wrong: each read by the general reader, which says why.
        (#"{"x.weight":\#(a),"x.weight":\#(b)}"#, 20),
        (#"{"__metadata__":{"a":"b"},"__metadata__":{"a":"b"},"x.weight":\#(a)}"#, 8),
        (#"{"__metadata__":{"format":1},"x.weight":\#(a)}"#, 8),
        (#"{"__metadata__":[],"x.weight":\#(a)}"#, 8),
        (#"{"x.weight":\#(a),"x.bias":\#(b)}"#, 24),
        (#"{"x.weight":\#(a),"x.bias":\#(b)}"#, 19),
        (#"{"x.weight":\#(a),"x.bias":{"dtype":"BF16","shape":[2,3],"data_offsets":[4,16]}}"#, 16),
        (#"{"x.weight":\#(a),"x.bias":{"dtype":"BF16","shape":[2,4],"data_offsets":[8,20]}}"#, 20),
        (#"{"x.weight":\#(a),"x.bias":{"dtype":"B16","shape":[2,3],"data_offsets":[8,20]}}"#, 20),
        (#"{"x.weight":\#(a),"x.bias":{"dtype":"F32","shape":[9223372036854775807,2],"data_offsets":[8,20]}}"#, 20),
        (#"{"x.weight":\#(a),"x.bias":\#(b)} x"#, 20),
        (#"{"x.weight":\#(a),"x.bias":\#(b),}"#, 20),
        (#"{"x.weight":\#(a) "x.bias":\#(b)}"#, 20),
        (#"{"x.weight":\#(a),"x.bias":\#(b)"#, 20),
        (#"{"x.weight":[1,2]}"#, 0),
        ("{\"x\ttab\":\(a)}", 8),
        (#"[]"#, 0),
        ("", 0),
    ]

    static func read(_ text: String, _ dataSize: Int, onePass: Bool) -> Result<SafetensorsHeader, FileFormatError> {
        read(Array(text.utf8), dataSize, onePass: onePass)
    }

    static func read(_ bytes: [UInt8], _ dataSize: Int, onePass: Bool) -> Result<SafetensorsHeader, FileFormatError> {
        do throws(FileFormatError) {
            return .success(try SafetensorsHeader.parse(bytes, dataSize: dataSize, path: "m.safetensors",
                                                        onePass: onePass))
        } catch {
            return .failure(error)
        }
    }

    @Test(arguments: headers.indices)
    func bothReadersAgree(_ index: Int) {
        let (text, dataSize) = Self.headers[index]
        switch (Self.read(text, dataSize, onePass: true), Self.read(text, dataSize, onePass: false)) {
        case (.success(let fast), .success(let general)):
            #expect(fast.entries == general.entries, "\(text)")
            #expect(fast.metadata == general.metadata, "\(text)")
            #expect(fast.dataStart == general.dataStart && fast.dataSize == general.dataSize)
        case (.failure(let fast), .failure(let general)):
            #expect(fast.reason == general.reason, "\(text)")
        case (let fast, let general):
            Issue.record("\(text): one pass \(fast), general \(general)")
        }
    }

    /// The headers writers write are read, and the wrong ones refused (so that the agreement
    /// above is about both outcomes).
    @Test func theCasesCoverBothOutcomes() {
        let outcomes = Self.headers.map { (text, size) -> Bool in
            if case .success = Self.read(text, size, onePass: true) { return true }
            return false
        }
        #expect(outcomes.prefix(11).allSatisfy { $0 })
        #expect(outcomes.dropFirst(11).allSatisfy { !$0 })
        // Metadata and names as written, in header order.
        if case .success(let header) = Self.read(Self.headers[1].0, 20, onePass: true) {
            #expect(header.entries.map(\.name) == ["x.weight", "x.bias"])
            #expect(header.metadata == ["format": "pt", "k": "v"])
        } else {
            Issue.record("the second header did not read")
        }
    }

    /// Headers damaged byte by byte (a byte changed, dropped or doubled, at every place of a
    /// header with metadata, white space and three entries, from a fixed seed): the two
    /// readers agree on each, whether it reads or not.
    @Test func damagedHeadersAreReadAlike() {
        let text = #"{"__metadata__":{"format":"pt"}, "a.w":\#(Self.a),"a.b":\#(Self.b),"c":{"dtype":"F16","shape":[],"data_offsets":[20,22]}}  "#
        let original = Array(text.utf8)
        var random = SeededGenerator(state: 14)
        let replacements = Array("{}[]\",:0123456789.-eE \\azF".utf8) + [0x00, 0x1f, 0x80, 0xc3, 0xff]
        var read = 0, refused = 0
        for position in original.indices {
            for change in 0..<3 {
                var bytes = original
                switch change {
                case 0: bytes[position] = replacements[Int(random.next() % UInt64(replacements.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(bytes[position], at: position)
                }
                switch (Self.read(bytes, 22, onePass: true), Self.read(bytes, 22, onePass: false)) {
                case (.success(let fast), .success(let general)):
                    #expect(fast.entries == general.entries && fast.metadata == general.metadata,
                            "\(String(decoding: bytes, as: UTF8.self))")
                    read += 1
                case (.failure(let fast), .failure(let general)):
                    #expect(fast.reason == general.reason, "\(String(decoding: bytes, as: UTF8.self))")
                    refused += 1
                case (let fast, let general):
                    Issue.record("\(String(decoding: bytes, as: UTF8.self)): one pass \(fast), general \(general)")
                }
            }
        }
        // Both outcomes are exercised.
        #expect(read > 20 && refused > 100)
    }

    /// The one-pass reader reads a file's header a window at a time: with windows so small
    /// that every member is cut (and read again from a wider one), each header above and each
    /// damaged one reads as it does from memory, or is refused as it is from memory.
    @Test func aHeaderReadAWindowAtATimeReadsAsFromMemory() throws {
        let text = #"{"__metadata__":{"format":"pt"}, "a.w":\#(Self.a),"a.b":\#(Self.b),"c":{"dtype":"F16","shape":[],"data_offsets":[20,22]}}  "#
        var cases = Self.headers.map { (Array($0.0.utf8), $0.1) }
        let original = Array(text.utf8)
        for position in original.indices {
            var dropped = original
            dropped.remove(at: position)
            cases.append((dropped, 22))
        }
        cases.append((original, 22))
        let path = NSTemporaryDirectory() + "lrs-window-\(getpid()).bin"
        defer { try? FileManager.default.removeItem(atPath: path) }
        var read = 0
        for (bytes, dataSize) in cases {
            // Three bytes before the header, as a file's length prefix would stand.
            #expect(FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3] + bytes)))
            let file = try #require(FileBytes.OpenFile(path: path))
            let memory = bytes.withUnsafeBufferPointer { PlainHeaderReader.read($0, dataSize: dataSize) }
            for window in [1, 2, 7, 16, 64, 4096] {
                let windowed = PlainHeaderReader.read(file, offset: 3, length: bytes.count, dataSize: dataSize, window: window)
                let label = "\(String(decoding: bytes, as: UTF8.self)) window \(window)"
                #expect((windowed == nil) == (memory == nil), "\(label)")
                if let windowed, let memory {
                    #expect(windowed.tensors.count == memory.tensors.count, "\(label)")
                    #expect((0 ..< memory.tensors.count).map(memory.tensors.entry) == (0 ..< windowed.tensors.count).map(windowed.tensors.entry),
                            "\(label)")
                    #expect(windowed.metadata == memory.metadata, "\(label)")
                    read += 1
                }
            }
        }
        #expect(read > 40)
    }
}
