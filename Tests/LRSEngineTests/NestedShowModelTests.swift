import Foundation
import LRSEngine
import LRSLanguage
import Testing
import TestSupport

/// `show model` on a nested model (section 12): an indented tree with parameter counts,
/// a repeat's first copy in full and the others in one row; the REPL waits for every
/// block's '>'.
@Suite struct NestedShowModelTests {
    @Test func showModelIsAnIndentedTreeWithCounts() {
        let session = ReplSession(directory: Fixtures.temporaryDirectory())
        let reply = session.enter("""
            input 8
            model <
              embed: embedding 16 8
              blocks: repeat 3 <
                residual < ln: rmsnorm 8; attn: attention 8 heads 2 causal true >
              >
              head: linear 8 16
            >
            optimizer adamw
            show model
            """)
        #expect(!reply.failed, "\(reply.problems.map(\.diagnostic.message))")
        #expect(reply.output == """
            input 8
            layer       kind           output  parameters
            embed       embedding      8x8     128
            blocks      repeat 3       8x8     888
              0         sequence       8x8     296
                0       residual       8x8     296
                  ln    rmsnorm        8x8     8
                  attn  attention      8x8     288
              1..2      2 more like 0  8x8     592
            head        linear         8x16    144
            total parameters: 1160

            """)
    }

    @Test func entriesContinueUntilEveryBlockCloses() {
        #expect(ReplInput.isIncomplete("model <\n  blocks: repeat 2 <\n    relu\n  >"))
        #expect(ReplInput.isIncomplete("model < r: residual < relu > shortcut < relu"))
        #expect(!ReplInput.isIncomplete("model <\n  blocks: repeat 2 <\n    relu\n  >\n>"))
        #expect(!ReplInput.isIncomplete("model < a: < relu > >\ngroup all where numel < 3"))
    }
}
