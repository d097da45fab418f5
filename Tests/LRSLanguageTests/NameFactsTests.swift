import LRSFiles
import Testing
import TestSupport
@testable import LRSLanguage

/// A checkpoint name's facts (its module, whether it is a buffer, the module's hash) are the
/// same whether the name is known to be ASCII (its buffer's names all are: only the last dot is
/// looked for, from the end) or read byte by byte.
@Suite struct NameFactsTests {
    @Test func knownASCIINamesHaveTheFactsOfReadOnes() {
        var random = SeededGenerator(state: 31)
        let pieces = ["blocks", "0", "12", "attn", "weight", "bias", "running_mean", "running_var",
                      "num_batches_tracked", "", "x", ".", "norm.running_mean"]
        var buffers = 0
        for _ in 0..<5000 {
            let name = (0..<Int(random.next() % 5)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
                .joined(separator: random.next() % 4 == 0 ? "" : ".")
            var text = name
            text.withUTF8 { bytes in
                let read = NameFacts(bytes), known = NameFacts(bytes, knownASCII: true)
                #expect(read.moduleBytes == known.moduleBytes, "\(name)")
                #expect(read.isBuffer == known.isBuffer, "\(name)")
                // The bytes' rule and the checker's `String` rule are written apart: one answer.
                #expect(known.isBuffer == Checker.isBufferName(name), "\(name)")
                #expect(read.moduleDigest(of: bytes) == known.moduleDigest(of: bytes), "\(name)")
                if known.isBuffer { buffers += 1 }
            }
        }
        #expect(buffers > 500)
    }
}
