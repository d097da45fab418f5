import Foundation
import Testing
import TestSupport
import LRSFiles
@testable import LRSEngine
import LRSLanguage
import LRSOptim

/// Issue 15's optimizer kinds through the engine: Muon's 2-D-only check at resolution,
/// every hyperparameter lowered onto ParamGroupConfig, and their state in checkpoints.
@Suite struct NewOptimizerKindEngineTests {
    func resolve(_ text: String) throws -> GroupResolution {
        let script = try checked(text)
        return GroupResolver.resolve(script, initialValues: values([:], model: script.model))
    }

    @Test func muonRefusesEveryParameterThatIsNotAMatrix() throws {
        let resolution = try resolve("""
        input 1 6 6
        model < conv 1 2 3; relu; linear 32 3 >
        optimizer adamw
        group all optimizer muon as m
        """)
        let errors = resolution.diagnostics.filter { $0.severity == .error }.map(\.condition)
        #expect(errors == [.muonNeedsMatrices(group: "m", parameters: ["0.weight", "0.bias", "2.bias"], dimensions: [4, 1, 1])])
        let text = try #require(errors.first).message
        #expect(text.contains("'0.weight' (4-D)") && text.contains("'where ndim == 2'"))
    }

    @Test func muonOnMatricesOnlyIsFine() throws {
        let resolution = try resolve("""
        model < linear 4 3; relu; linear 3 2 >
        optimizer adamw
        group all where ndim == 2 optimizer muon as m
        group rest
        """)
        #expect(resolution.diagnostics.isEmpty)
        #expect(resolution.groups.map(\.optimizerKind) == [.muon, .adamw])
    }

    @Test func muonAsTheOnlyOptimizerNamesTheImplicitGroup() throws {
        let resolution = try resolve("model < linear 4 3 >\noptimizer muon")
        #expect(resolution.diagnostics.map(\.condition) == [.muonNeedsMatrices(group: "all", parameters: ["0.bias"], dimensions: [1])])
    }

    @Test func everyHyperparameterIsLowered() throws {
        let resolution = try resolve("""
        model < a: linear 4 3; b: linear 3 3; c: linear 3 2; d: linear 2 2 >
        optimizer adamw
        group "a.weight" optimizer muon lr 0.02 weight_decay 0.05 momentum 0.8 nesterov false ns_coefficients 3 -3.2 1.2 eps 1e-5 ns_steps 3 adjust_lr_fn match_rms_adamw
        group b optimizer adafactor beta2_decay -0.5 eps none 1e-2 d 2 weight_decay 0.1 maximize true
        group c optimizer asgd lambd 1e-3 alpha 0.6 t0 7 weight_decay 0.2
        group d optimizer rprop etas 0.3 1.5 step_sizes 1e-4 0.02
        group rest
        """)
        #expect(resolution.diagnostics.isEmpty)
        let configs = resolution.groups.map(OptimizerLowering.config(for:))
        let muon = configs[0]
        #expect(muon.kind == .muon && muon.learningRate == 0.02 && muon.weightDecay == 0.05 && muon.momentum == 0.8)
        #expect(!muon.nesterov && muon.nsCoefficients == SIMD3(3, -3.2, 1.2) && muon.eps == 1e-5 && muon.nsSteps == 3)
        #expect(muon.adjustLearningRate == .matchRMSAdamW)
        let adafactor = configs[1]
        #expect(adafactor.kind == .adafactor && adafactor.beta2Decay == -0.5 && adafactor.eps1 == nil)
        #expect(adafactor.eps2 == 1e-2 && adafactor.clippingThreshold == 2 && adafactor.weightDecay == 0.1 && adafactor.maximize)
        let asgd = configs[2]
        #expect(asgd.kind == .asgd && asgd.lambd == 1e-3 && asgd.alpha == 0.6 && asgd.t0 == 7 && asgd.weightDecay == 0.2)
        let rprop = configs[3]
        #expect(rprop.kind == .rprop && rprop.etaMinus == 0.3 && rprop.etaPlus == 1.5)
        #expect(rprop.stepSizeMin == 1e-4 && rprop.stepSizeMax == 0.02)
        // Adafactor's given first eps reaches the runtime too.
        let given = try resolve("model < linear 4 3 >\noptimizer adafactor eps 1e-20 1e-3")
        #expect(OptimizerLowering.config(for: try #require(given.groups.first)).eps1 == 1e-20)
    }

    static let adafactorScript = """
    seed 3
    input 4
    model < linear 4 6; tanh; linear 6 2 >
    optimizer adafactor lr 0.05
    group "0.*" optimizer asgd t0 1 as averaged
    group rest as factored
    data synthetic samples 24 classes 2
    train epochs 2 batch 8 shuffle false
    """

    @Test func adafactorFactorsAreSavedInTorchsShapesAndResumeExactly() throws {
        let directory = Fixtures.temporaryDirectory()
        let whole = ScriptRunner.run(Self.adafactorScript + "\nsave \"whole.safetensors\"\n", in: directory)
        #expect(whole.diagnostics.filter { $0.severity == .error }.isEmpty)
        let saved = try SafetensorsFile.read(path: directory + "/whole.safetensors")
        #expect(saved["optimizer.2.weight.row_var"]?.shape == [2, 1])
        #expect(saved["optimizer.2.weight.col_var"]?.shape == [1, 6])
        #expect(saved["optimizer.2.bias.variance"]?.shape == [2])
        #expect(saved["optimizer.0.weight.ax"]?.shape == [6, 4])
        #expect(saved["optimizer.0.weight.eta"] != nil && saved["optimizer.0.weight.mu"] != nil)

        // One epoch, saved, then resumed for the second: the same final state, bit for bit.
        let first = Self.adafactorScript.replacingOccurrences(of: "epochs 2", with: "epochs 1")
        _ = ScriptRunner.run(first + "\nsave \"half.safetensors\"\n", in: directory)
        var options = ScriptRun.Options()
        options.resumePath = directory + "/half.safetensors"
        let resumed = ScriptRunner.run(Self.adafactorScript + "\nsave \"resumed.safetensors\"\n", in: directory,
                                       options: options)
        #expect(resumed.diagnostics.filter { $0.severity == .error }.isEmpty)
        let again = try SafetensorsFile.read(path: directory + "/resumed.safetensors")
        for name in saved.names.sorted() where !name.hasPrefix("optimizer.") || name.hasSuffix("_var") {
            #expect(again[name]?.floats == saved[name]?.floats, "\(name)")
        }
    }

    @Test func aTransposedFactorIsRefusedInWords() throws {
        let directory = Fixtures.temporaryDirectory()
        _ = ScriptRunner.run(Self.adafactorScript + "\nsave \"s.safetensors\"\n", in: directory)
        var file = try SafetensorsFile.read(path: directory + "/s.safetensors")
        file.set("optimizer.2.weight.row_var", StoredTensor(floats: [1, 1], shape: [1, 2]))
        let source = SourceFile(path: directory + "/run.lrs", text: Self.adafactorScript)
        let state = try ScriptRun.prepare(source, options: ScriptRun.Options()).get().state
        let problem = Checkpoint.restore(file, into: state, lastEpoch: nil)
        #expect(problem?.description
                    == "optimizer state 'row_var' of '2.weight' has shape 1x2, but for a parameter of 2x6 it is 2x1")
    }
}
