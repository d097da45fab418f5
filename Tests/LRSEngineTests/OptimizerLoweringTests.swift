import Testing
@testable import LRSEngine
import LRSHyperparameters
import LRSLanguage
import LRSOptim

/// The defaults the checker fills into a group (LRSLanguage's `OptimizerKind.hyperparameters`)
/// and the ones LRSOptim starts from (`ParamGroupConfig(kind:learningRate:)`) come from the
/// one table; lowering a group that sets nothing must give exactly the latter.
@Suite struct OptimizerLoweringTests {
    @Test(arguments: OptimizerKind.allCases)
    func languageDefaultsAreTheRuntimes(_ kind: OptimizerKind) throws {
        // No bias: Muon takes matrices only.
        let source = SourceFile(path: "defaults.lrs", text: "model < linear 2 1 bias false >\noptimizer \(kind.rawValue)\n")
        let outcome = CheckPipeline.run(source, memoryBudget: nil)
        let group = try #require(outcome.resolution?.groups.first)
        let config = OptimizerLowering.config(for: group)
        #expect(config.kind == kind)
        #expect(config == ParamGroupConfig(kind: kind, learningRate: group.learningRate))
        #expect(group.hyperparameters.map(\.name) == kind.defaults.map(\.hyperparameter.rawValue))
    }
}
