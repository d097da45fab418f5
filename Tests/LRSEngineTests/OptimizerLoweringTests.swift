import Testing
@testable import LRSEngine
import LRSLanguage
import LRSOptim

/// The language's defaults (OptimizerKind.hyperparameters) are the ones a run uses; the
/// runtime's own (ParamGroupConfig.init, for its tests and benchmarks) must agree with
/// them, field by field.
@Suite struct OptimizerLoweringTests {
    @Test(arguments: LRSLanguage.OptimizerKind.allCases)
    func languageDefaultsAreTheRuntimes(_ kind: LRSLanguage.OptimizerKind) throws {
        // No bias: Muon takes matrices only.
        let source = SourceFile(path: "defaults.lrs", text: "model < linear 2 1 bias false >\noptimizer \(kind.rawValue)\n")
        let outcome = CheckPipeline.run(source, memoryBudget: nil)
        let group = try #require(outcome.resolution?.groups.first)
        let config = OptimizerLowering.config(for: group)
        #expect(config.kind.rawValue == kind.rawValue)
        #expect(config == ParamGroupConfig(kind: OptimizerLowering.runtimeKind(kind), learningRate: group.learningRate))
    }
}
