import Foundation
import Testing
@testable import LRSLanguage

/// Statements with 100,000 options (`train`, `optimizer`, `data`, `group`): checked in time
/// linear in their length (a scan of the earlier names for each took 16-21 s), the first
/// duplicate or unknown name reported, and no more than the error cap.
@Suite(.serialized) struct LongOptionListTests {
    let model = "input 4\nmodel < linear 4 3; relu; linear 3 2 >\n"

    func statement(_ head: String, _ count: Int, distinct: Bool) -> String {
        var text = model + head
        text.reserveCapacity(text.utf8.count + count * 16)
        for i in 0..<count { text += distinct ? " opt\(i) true" : " nesterov true" }
        return text + "\n"
    }

    @Test(arguments: ["train", "optimizer sgd", "data synthetic", "group all"])
    func distinctUnknownNamesAreReportedUpToTheCap(_ head: String) {
        let result = check(statement(head, 100_000, distinct: true))
        let conditions = errors(result)
        #expect(conditions.count == DiagnosticCollector.defaultErrorLimit + 1)
        #expect(conditions.last == .tooManyErrors(DiagnosticCollector.defaultErrorLimit))
    }

    @Test(arguments: ["train", "optimizer sgd", "data synthetic", "group all"])
    func repeatedNamesAreDuplicates(_ head: String) {
        let conditions = errors(check(statement(head, 100_000, distinct: false)))
        #expect(conditions.first == .duplicateOption("nesterov"))
        #expect(conditions.count <= DiagnosticCollector.defaultErrorLimit + 1)
    }

    /// Ten times the options must cost well under the hundred times a quadratic check
    /// costs (best of three, so a busy machine does not decide).
    @Test func checkingScalesLinearly() {
        func seconds(_ count: Int) -> Double {
            let text = statement("train", count, distinct: true)
            var best = Double.infinity
            for _ in 0..<3 {
                let start = Date()
                _ = check(text)
                best = min(best, Date().timeIntervalSince(start))
            }
            return best
        }
        let small = seconds(10_000), large = seconds(100_000)
        #expect(large < small * 40, "10,000 options: \(small) s, 100,000: \(large) s")
    }
}
