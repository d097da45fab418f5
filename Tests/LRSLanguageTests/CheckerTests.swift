import Testing
import LRSLayers
@testable import LRSLanguage

@Suite struct CheckerTests {
    @Test func seedOneResolvesShapesAndNames() throws {
        let result = check("input 3 28 28\nmodel < conv 3 16 3; relu; linear 10816 10 >\noptimizer adam\ngroup conv lr 0.01\ngroup linear lr 0.001")
        let script = try #require(result.script)
        #expect(script.model.parameters.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        #expect(script.model.parameters.map(\.shape) == [[16, 3, 3, 3], [16], [10, 10816], [10]])
        #expect(script.model.layers[2].flattensInput)
        #expect(script.model.layers[2].inputShape == [16, 26, 26])
        #expect(script.model.outputShape == [10])
        #expect(result.diagnostics.map(\.condition) == [.implicitFlatten(layer: "2", shape: "16x26x26", count: 10816)])
        #expect(script.groups.map(\.name) == ["conv", "linear"])
        #expect(script.groups[0].hyperparameters.first(where: { $0.name == "lr" })?.value.number == 0.01)
    }

    @Test func cardInfersSquareInput() throws {
        let result = check("model < conv 3 16 3; relu; linear 10816 10 >")
        let script = try #require(result.script)
        #expect(script.model.inputShape == [3, 28, 28])
        #expect(script.model.inputWasInferred)
        #expect(result.diagnostics.contains { $0.condition == .inferredInput("3x28x28") && $0.severity == .note })
        #expect(script.optimizer.kind == .sgd)
    }

    @Test func ambiguousInputAsksForInputStatement() {
        let result = check("model < conv 3 16 3; maxpool 2; linear 2704 10 >")
        #expect(errors(result).contains { if case .inputNotUnique = $0 { return true }; return false })
        let none = check("model < relu >")
        #expect(errors(none) == [.inputNeeded("no layer fixes it")])
    }

    @Test func batchnormNamesBuffersLikePyTorch() throws {
        let script = try #require(check("input 4\nmodel < linear 4 8; batchnorm 8; layernorm 8 >").script)
        #expect(script.model.stateDict.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                                       "1.running_var", "1.num_batches_tracked", "2.weight", "2.bias"])
        #expect(script.model.buffers.map(\.isInteger) == [false, false, true])
        #expect(script.model.buffers.last?.shape == [])
    }

    @Test func shapeMismatchNamesBothShapes() {
        let result = check("input 3 28 28\nmodel < conv 3 16 3; relu; linear 10000 10 >")
        #expect(errors(result) == [.layerShape(ShapeFailure(.mismatch(expected: .features(10000)), input: [16, 26, 26], path: ["2"]))])
        #expect(result.diagnostics.first?.message == "layer '2' expects input 10000 features, but gets 16x26x26 (10816 features)")
    }

    @Test func convTooSmall() {
        let result = check("input 1 2 2\nmodel < a: conv 1 1 3 >")
        #expect(errors(result) == [.layerShape(ShapeFailure(.tooSmall, input: [1, 2, 2], path: ["a"]))])
        #expect(result.diagnostics.first?.message == "input 1x2x2 is too small for layer 'a'")
    }

    /// Section 12: `linear IN OUT` on the last dimension when it is IN (no flatten, no note),
    /// the implicit flatten of section 4 otherwise; the checked spec is the runtime's.
    @Test func linearTakesTheLastDimensionWhenItIsTheInputWidth() throws {
        let result = check("input 5 64\nmodel < fc: linear 64 8; relu; head: linear 40 2 >\noptimizer sgd")
        let script = try #require(result.script)
        #expect(script.model.layers.map(\.outputShape) == [[5, 8], [5, 8], [2]])
        #expect(script.model.layers.map(\.flattensInput) == [false, false, true])
        #expect(script.model.layers[0].spec == .linear(in: 64, out: 8, bias: true))
        #expect(script.model.parameters.map(\.shape) == [[8, 64], [8], [2, 40], [2]])
        #expect(result.diagnostics.map(\.condition) == [.implicitFlatten(layer: "head", shape: "5x8", count: 40)])
        #expect(errors(check("input 5 64\nmodel < linear 32 8 >"))
                == [.layerShape(ShapeFailure(.mismatch(expected: .features(32)), input: [5, 64], path: ["0"]))])
    }

    @Test func layerArgumentsAreChecked() {
        #expect(errors(check("model < linear 3 >")).first == .layerArgumentCount("linear", expected: "2 arguments (in_features out_features)", got: 1))
        #expect(errors(check("model < linear 3.5 2 >")) == [.valueNotWhole("'in_features' of 'linear'", value: 3.5)])
        #expect(errors(check("model < linear 99999999999999999999 2 >")).count == 1)
        #expect(errors(check("model < linear 0 2 >")) == [.valueOutOfRange("'in_features' of 'linear'", value: 0, range: "at least 1")])
        #expect(errors(check("input 4\nmodel < dropout 1.5 >")) == [.valueOutOfRange("'p' of 'dropout'", value: 1.5, range: "between 0 and 1")])
        #expect(errors(check("model < linear 3 3 bias 2 >")) == [.valueType("'bias' of 'linear'", expected: "true or false")])
    }

    @Test func duplicateLayerLabels() {
        #expect(errors(check("model < a: linear 3 3; a: linear 3 3 >")) == [.duplicateLayerName("a")])
    }

    @Test func hugeModelsDoNotOverflow() {
        let result = check("model < linear 1000000000000 1000000000000 >")
        #expect(errors(result) == [.tooManyElements("the model")])
    }

    @Test func optimizerHyperparameters() {
        #expect(errors(check("model < linear 3 3 >\noptimizer adam lr -1")) == [.negativeHyperparameter("lr", value: -1)])
        #expect(errors(check("model < linear 3 3 >\noptimizer adam betas 0.9 1")) == [.betaOutOfRange(1)])
        #expect(errors(check("model < linear 3 3 >\noptimizer adam betas 0.9")) == [.valueCount("'betas'", expected: 2, got: 1)])
        #expect(errors(check("model < linear 3 3 >\noptimizer sgd lr 1/0")) == [.valueNotFinite("'lr'")])
        #expect(errors(check("model < linear 3 3 >\noptimizer sgd nesterov true")) == [.nesterovNeedsMomentum])
        #expect(errors(check("model < linear 3 3 >\noptimizer sgd momentum true")) == [.valueType("'momentum'", expected: "a number, not true or false")])
        let unknown = errors(check("model < linear 3 3 >\noptimizer sgd betas 0.9 0.99"))
        #expect(unknown == [.unknownHyperparameter("betas", kind: "sgd",
                                                   valid: ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
                                                   suggestions: [])])
        #expect(errors(check("model < linear 3 3 >\noptimizer adamm")) == [.unknownOptimizer("adamm", suggestions: ["adam", "adamw", "adamax"])])
    }

    @Test func optimizerDefaultsArePyTorchs() throws {
        let adamw = try #require(check("model < linear 3 3 >\noptimizer adamw").script).optimizer
        #expect(adamw.hyperparameters.map(\.name) == ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize",
                                                      "decoupled_weight_decay"])
        #expect(adamw.hyperparameters.first(where: { $0.name == "weight_decay" })?.value.number == 0.01)
        #expect(adamw.hyperparameters.allSatisfy { $0.isDefault })
    }

    /// PyTorch 2.13's options: Adam's decoupled_weight_decay (AdamW's is always true), NAdam's
    /// and RAdam's maximize, each with PyTorch's default.
    @Test func pyTorch213OptionsWithTheirDefaults() throws {
        func defaults(_ kind: String) throws -> [String: String] {
            let optimizer = try #require(check("model < linear 3 3 >\noptimizer \(kind)").script).optimizer
            return Dictionary(uniqueKeysWithValues: optimizer.hyperparameters.map { ($0.name, $0.value.text) })
        }
        #expect(try defaults("adam")["decoupled_weight_decay"] == "false")
        #expect(try defaults("adamw")["decoupled_weight_decay"] == "true")
        #expect(try defaults("nadam")["maximize"] == "false")
        #expect(try defaults("radam")["maximize"] == "false")
        #expect(try #require(check("model < linear 3 3 >\noptimizer nadam").script).optimizer.hyperparameters.map(\.name)
                == ["lr", "betas", "eps", "weight_decay", "momentum_decay", "decoupled_weight_decay", "maximize"])
        for line in ["optimizer adam decoupled_weight_decay true weight_decay 0.1",
                     "optimizer adamw decoupled_weight_decay true",
                     "optimizer nadam maximize true decoupled_weight_decay true",
                     "optimizer radam maximize true",
                     "optimizer sgd\ngroup all optimizer radam maximize true"] {
            #expect(errors(check("model < linear 3 3 >\n" + line)).isEmpty, "\(line)")
        }
        // PyTorch's AdamW sets decoupled_weight_decay itself and takes no such argument.
        let coupled = check("model < linear 3 3 >\noptimizer adamw lr 0.01 decoupled_weight_decay false")
        #expect(errors(coupled) == [.adamwCoupledDecay])
        #expect(coupled.diagnostics.first?.range?.start == 21 + 24)  // at `decoupled_weight_decay false`
        #expect(errors(check("model < linear 3 3 >\noptimizer adam\ngroup all optimizer adamw decoupled_weight_decay false"))
                == [.adamwCoupledDecay])
    }

    @Test func groupsInheritTheOptimizerStatement() throws {
        let script = try #require(check("model < linear 3 3 >\noptimizer sgd lr 0.5 momentum 0.9\ngroup all lr 0.1\ngroup rest optimizer adam").script)
        let first = script.groups[0].hyperparameters
        #expect(first.first(where: { $0.name == "lr" })?.source == .group)
        #expect(first.first(where: { $0.name == "momentum" })?.source == .optimizer)
        #expect(first.first(where: { $0.name == "dampening" })?.source == .default)
        // A group of another kind is another optimizer, from that kind's defaults.
        #expect(script.groups[1].optimizerKind == .adam)
        #expect(script.groups[1].hyperparameters.first(where: { $0.name == "lr" })?.value.number == 0.001)
    }

    /// torch.optim.Adagrad fills its accumulators with the constructor's
    /// initial_accumulator_value and never reads a group's: a group's own value gives way to
    /// the optimizer statement's (or the default for a group of another kind), with a warning
    /// when they differ.
    @Test func adagradInitialAccumulatorComesFromTheOptimizer() throws {
        let text = """
            model < a: linear 3 3; b: linear 3 3; c: linear 3 3; d: linear 3 3 >
            optimizer adagrad initial_accumulator_value 0.1
            group a initial_accumulator_value 0.5
            group b initial_accumulator_value 0.1
            group c
            group d optimizer adagrad initial_accumulator_value 0.3
            """
        let result = check(text)
        let script = try #require(result.script)
        let values = script.groups.map { $0.hyperparameters.first { $0.name == "initial_accumulator_value" } }
        #expect(values.map { $0?.value.number } == [0.1, 0.1, 0.1, 0.1])
        #expect(values.map { $0?.source } == [.optimizer, .optimizer, .optimizer, .optimizer])
        let warnings = result.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map(\.condition) == [
            .constructorOnlyHyperparameter("initial_accumulator_value", kind: "adagrad", used: "0.1"),
            .constructorOnlyHyperparameter("initial_accumulator_value", kind: "adagrad", used: "0.1"),
        ])
        // At the group's own setting (groups a and d; b's equals the optimizer's).
        let bytes = Array(text.utf8)
        #expect(warnings.map { w in w.range.map { String(decoding: bytes[$0.start..<$0.end], as: UTF8.self) } } == [
            "initial_accumulator_value 0.5", "initial_accumulator_value 0.3",
        ])

        // A group of another kind than the optimizer statement's: that kind's constructor default.
        let other = check("model < a: linear 3 3 >\noptimizer sgd\ngroup a optimizer adagrad initial_accumulator_value 0.5")
        let group = try #require(other.script?.groups.first)
        #expect(group.hyperparameters.first { $0.name == "initial_accumulator_value" }?.value.number == 0)
        #expect(group.hyperparameters.first { $0.name == "initial_accumulator_value" }?.isDefault == true)
        #expect(other.diagnostics.filter { $0.severity == .warning }.map(\.condition) == [
            .constructorOnlyHyperparameter("initial_accumulator_value", kind: "adagrad", used: "0"),
        ])
    }

    @Test func groupNames() throws {
        let script = try #require(check(#"model < head: linear 3 3 >"# + "\ngroup head\ngroup \"*.bias\"\ngroup all as everything").script)
        #expect(script.groups.map(\.name) == ["head", "group2", "everything"])
        #expect(errors(check("model < linear 3 3 >\ngroup all as a\ngroup rest as a")) == [.duplicateGroupName("a")])
    }

    @Test func selectorWordsMustExist() {
        #expect(errors(check("model < layer1: linear 3 3 >\ngroup layr1")) == [.unknownSelectorWord("layr1", suggestions: ["layer1"])])
        #expect(errors(check("model < linear 3 3 >\ngroup conv")).isEmpty)  // a kind with no layers is fine here
    }

    @Test func predicatesAreTyped() {
        #expect(errors(check("model < linear 3 3 >\ngroup all where param > 0.5")) == [.tensorNotAllowed("'param'")])
        #expect(errors(check("model < linear 3 3 >\ngroup all where mean(numel) > 0.5")) == [.tensorExpected("mean")])
        #expect(errors(check("model < linear 3 3 >\ngroup all where mean(abs(param)) > epoch")).count == 1)
        #expect(errors(check("model < linear 3 3 >\ngroup all where std(param) > 0 and numel > 3 and ndim == 2")).isEmpty)
    }

    @Test func eachGroupsKeepExpressions() throws {
        let script = try #require(check("model < linear 3 3; linear 3 3 >\ngroup all each layer lr 0.001 * 0.75^(layers - 1 - layer)").script)
        guard case .expression(let lr)? = script.groups[0].hyperparameters.first?.value else {
            Issue.record("lr is not an expression")
            return
        }
        #expect(lr.variables == CheckedGroup.eachVariables)
        #expect(errors(check("model < linear 3 3 >\ngroup all lr 0.1 * layer")) ==
                [.nameNotAllowed("layer", context: "outside a group with 'each layer' or 'each param'")])
    }

    @Test func letsAndOverrides() throws {
        let script = try #require(check("let base = 0.1\nmodel < linear 3 3 >\noptimizer sgd lr base * 2", overrides: ["base": 1]).script)
        #expect(script.optimizer.hyperparameters.first?.value.number == 2)
        #expect(script.constants["base"] == 1)
        #expect(errors(check("model < linear 3 3 >", overrides: ["nope": 1])) == [.overrideWithoutLet("nope", suggestions: [])])
        #expect(errors(check("let a = 1\nlet a = 2\nmodel < linear 3 3 >")) == [.duplicateLet("a")])
        #expect(errors(check("let a = b\nlet b = 1\nmodel < linear 3 3 >")) == [.unknownName("b", suggestions: [])])
    }

    @Test func duplicateStatements() {
        #expect(errors(check("model < linear 3 3 >\nmodel < linear 3 3 >")) == [.duplicateStatement("model")])
        #expect(errors(check("model < linear 3 3 >\noptimizer sgd\noptimizer adam")) == [.duplicateStatement("optimizer")])
    }

    @Test func missingModel() {
        #expect(errors(check("optimizer sgd")) == [.missingModel])
    }

    @Test func trainDataAndShow() throws {
        let script = try #require(check("model < linear 3 3 >\ntrain epochs 3 shuffle false\ndata synthetic samples 100 classes 3\nshow param 0.weight\nshow groups").script)
        #expect(script.train?.epochs == 3)
        #expect(script.train?.batch == 32)
        #expect(script.train?.shuffle == false)
        #expect(script.data?.kind == .synthetic)
        #expect(errors(check("model < linear 3 3 >\ntrain epoch 3")) ==
                [.unknownOption("epoch", statement: "train", valid: ["epochs", "batch", "loss", "shuffle", "clip", "accumulate"], suggestions: ["epochs"])])
        #expect(errors(check("model < linear 3 3 >\ntrain loss mae")) ==
                [.valueType("'loss'", expected: "'cross_entropy' or 'mse' (did you mean 'mse'?)")])
        #expect(errors(check("model < linear 3 3 >\nshow param 0.wieght")) == [.unknownParameter("0.wieght", suggestions: ["0.weight"])])
        #expect(errors(check("model < linear 3 3 >\nshow modle")) == [.unknownShowTarget("modle", suggestions: ["model"])])
        #expect(errors(check("model < linear 3 3 >\nsplit 1.5")) == [.valueOutOfRange("the split fraction", value: 1.5, range: "between 0 and 1")])
        #expect(errors(check("model < linear 3 3 >\ndata npy \"x.npy\"")) == [.dataFileCount("npy", expected: 2, got: 1)])
    }

    @Test func missingFilesAreReported() {
        let source = SourceFile(path: "/nonexistent-dir/test.lrs", text: "model < linear 3 3 >\ninit \"init.safetensors\"")
        let result = Checker.check(source)
        #expect(errors(result) == [.fileMissing("init.safetensors")])
    }
}
