import Testing
@testable import LRSEngine
import LRSLanguage
import LRSOptim

/// The language's defaults (OptimizerKind.hyperparameters) are the ones a run uses; the
/// runtime's own (ParamGroupConfig.init, for its tests, benchmarks and the kinds the
/// language does not have yet) must agree with them, field by field.
@Suite struct OptimizerLoweringTests {
    @Test(arguments: LRSLanguage.OptimizerKind.allCases)
    func languageDefaultsAreTheRuntimes(_ kind: LRSLanguage.OptimizerKind) throws {
        let source = SourceFile(path: "defaults.lrs", text: "model < linear 2 1 >\noptimizer \(kind.rawValue)\n")
        let outcome = CheckPipeline.run(source, memoryBudget: nil)
        let group = try #require(outcome.resolution?.groups.first)
        let config = OptimizerLowering.config(for: group)
        #expect(config.kind.rawValue == kind.rawValue)
        #expect(config == ParamGroupConfig(kind: OptimizerLowering.runtimeKind(kind), learningRate: group.learningRate))
    }
}
