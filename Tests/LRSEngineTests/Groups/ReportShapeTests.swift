import Foundation
import Testing
@testable import LRSEngine
import LRSLanguage

/// The report's shape column: each parameter's own shape, for a model with more distinct
/// shapes than the report keeps in its short list (past it, a table), each seen twice.
@Suite struct ReportShapeTests {
    @Test func everyParameterShowsItsOwnShape() throws {
        // Widths 2, 3, ..., 11 twice, then 2: twenty layers, twenty distinct shapes, each
        // shape in two layers.
        let widths = Array(2...11) + Array(2...11) + [2]
        let layers = (0..<20).map { "linear \(widths[$0]) \(widths[$0 + 1])" }.joined(separator: "; ")
        let script = try checked("input 2\nmodel < \(layers) >\noptimizer sgd lr 0.1\ngroup \"1*\" as ones\ngroup rest\n")
        let text = GroupReport.text(script, GroupResolver.resolve(script, initialValues: { _ in nil }))
        for k in 0..<20 {
            let input = widths[k], out = widths[k + 1]
            #expect(text.range(of: #"\n  \#(k)\.weight +\#(out)x\#(input) +\#(out * input)\n"#, options: .regularExpression) != nil,
                    "\(k).weight in \(text)")
            #expect(text.range(of: #"\n  \#(k)\.bias +\#(out) +\#(out)\n"#, options: .regularExpression) != nil, "\(k).bias in \(text)")
        }
    }
}
