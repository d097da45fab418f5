import Foundation
import Testing
@testable import LRSLanguage

/// `data text "FILE" context T` (section 12): the file, the context and the model agree.
@Suite struct TextDataCheckTests {
    /// Checks `script` beside a text file of `bytes` bytes named `t.txt`, in a fresh directory.
    func checkBesideText(_ script: String, bytes: Int) throws -> CheckResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrs-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(repeating: UInt8(ascii: "a"), count: bytes).write(to: directory.appendingPathComponent("t.txt"))
        return Checker.check(SourceFile(path: directory.appendingPathComponent("s.lrs").path, text: script))
    }

    static let model = "model < embedding 256 8; posembed 16 8; linear 8 256 >\n"

    @Test func sampleCountIsEveryWholeContextWithItsNextByte() {
        #expect(TextData.sampleCount(length: 33, context: 32) == 1)
        #expect(TextData.sampleCount(length: 32, context: 32) == 0)
        #expect(TextData.sampleCount(length: 65, context: 32) == 2)
        #expect(TextData.sampleCount(length: 64, context: 32) == 1)
        #expect(TextData.sampleCount(length: 0, context: 4) == 0)
        // i*T + T + 1 <= L, counted directly.
        for length in 0 ..< 40 {
            #expect(TextData.sampleCount(length: length, context: 4) == (0 ..< 40).filter { $0 * 4 + 5 <= length }.count)
        }
    }

    @Test func theContextGivesTheInput() throws {
        let result = try checkBesideText(Self.model + "data text \"t.txt\" context 16\n", bytes: 100)
        #expect(!result.hasErrors, "\(result.diagnostics.map(\.message))")
        let script = try #require(result.script)
        #expect(script.model.inputShape == [16] && script.model.takesTokenIds)
        #expect(script.data?.kind == .text && script.data?.context == 16)
    }

    @Test func aShortFileIsALocatedError() throws {
        let result = try checkBesideText(Self.model + "data text \"t.txt\" context 16\n", bytes: 16)
        #expect(errors(result) == [.textTooShort("t.txt", bytes: 16, context: 16)])
        #expect(result.diagnostics.first?.range?.start == (Self.model + "data text ").utf8.count)
    }

    @Test func mismatchesAreErrors() throws {
        #expect(errors(try checkBesideText("input 8\n" + Self.model + "data text \"t.txt\" context 16\n", bytes: 100))
                == [.textContextMismatch(context: 16, input: "8")])
        #expect(errors(try checkBesideText("input 8\nmodel < linear 8 2 >\ndata text \"t.txt\" context 8\n", bytes: 100))
                == [.textNeedsEmbedding])
        #expect(errors(try checkBesideText(Self.model + "data text \"t.txt\"\n", bytes: 100)).contains(.missingOption("context", of: "data text")))
        #expect(errors(try checkBesideText("input 16\n" + Self.model + "data synthetic\n", bytes: 100)) == [.dataNotTokenIds("synthetic")])
    }
}
