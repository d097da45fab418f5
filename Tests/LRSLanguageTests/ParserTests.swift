import Testing
@testable import LRSLanguage

@Suite struct ParserTests {
    func statements(_ text: String) throws -> [Statement] {
        let (script, diagnostics) = parse(text)
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
        return script.statements
    }

    @Test func everyStatementKind() throws {
        let text = """
        seed 7
        let base = 0.1
        input 3 28 28
        model < c: conv 3 8 3 stride 1 padding 1 bias false; relu; maxpool 2; flatten; linear 1568 10 >
        optimizer sgd lr base momentum 0.9
        group c lr 0.1
        freeze "*.bias"
        schedule c step 3 gamma 0.5 per epoch
        init "init.safetensors"
        data npy "x.npy" "y.npy"
        validate csv "v.csv" label 3 header true
        train epochs 2 batch 16 loss cross_entropy shuffle false
        save "out.safetensors"
        checkpoint every 2 epochs "ckpt.safetensors"
        show param c.weight
        """
        let kinds = try statements(text).map(\.keyword.text)
        #expect(kinds == ["seed", "let", "input", "model", "optimizer", "group", "freeze", "schedule", "init", "data",
                          "validate", "train", "save", "checkpoint", "show"])
    }

    @Test func modelBlockAcrossLinesWithLabels() throws {
        let list = try statements("model <\n  step: linear 100 50\n  relu\n\n  layer2: linear 50 10 bias false\n>")
        guard case .model(let model)? = list.first?.kind else {
            Issue.record("not a model")
            return
        }
        let layers = model.items.compactMap { item -> LayerSyntax? in
            if case .layer(let layer) = item { return layer }
            return nil
        }
        #expect(layers.map(\.kind.text) == ["linear", "relu", "linear"])
        #expect(layers.map { $0.label?.text } == ["step", nil, "layer2"])
        #expect(layers[2].options.map(\.name.text) == ["bias"])
    }

    @Test func selectorsCombine() throws {
        let list = try statements(#"group (conv or "*.bias") and not head where numel > 10 lr 0.1 as g"#)
        guard case .group(let group)? = list.first?.kind else {
            Issue.record("not a group")
            return
        }
        #expect(group.alias?.text == "g")
        guard case .and(let parts) = group.selector.kind, parts.count == 2, case .or = parts[0].kind, case let right = parts[1],
              case .not(let inner) = right.kind, case .where(let base, _) = inner.kind, base.plainWord == "head" else {
            Issue.record("wrong selector tree: \(group.selector.kind)")
            return
        }
    }

    @Test func selectorPrimaries() throws {
        for (text, check) in [("all", { (k: SelectorSyntax.Kind) -> Bool in if case .all = k { return true }; return false }),
                              ("rest", { if case .rest = $0 { return true }; return false }),
                              (#""*.weight""#, { if case .glob("*.weight") = $0 { return true }; return false }),
                              ("0", { if case .word("0") = $0 { return true }; return false })] {
            let list = try statements("freeze \(text)")
            guard case .freeze(let selector, _)? = list.first?.kind else {
                Issue.record("not a freeze")
                continue
            }
            #expect(check(selector.kind), "\(text)")
        }
    }

    @Test func eachAndOwnOptimizer() throws {
        let list = try statements("group all each layer optimizer adamw lr 0.001 * 0.75^(layers - 1 - layer) betas 0.9 0.99")
        guard case .group(let group)? = list.first?.kind else {
            Issue.record("not a group")
            return
        }
        #expect(group.each == .layer)
        #expect(group.optimizerKind?.text == "adamw")
        #expect(group.hyperparameters.map(\.name.text) == ["lr", "betas"])
        #expect(group.hyperparameters.map(\.values.count) == [1, 2])
    }

    @Test func schedulesSequenceAndChain() throws {
        let list = try statements("schedule a, b linear start_factor 0.1 total_iters 5 until 5 then cosine 15 with exponential 0.9 per step")
        guard case .schedule(let schedule)? = list.first?.kind else {
            Issue.record("not a schedule")
            return
        }
        #expect(schedule.groups.map(\.text) == ["a", "b"])
        #expect(schedule.per?.text == "step")
        guard case .chained(let parts) = schedule.schedule.kind, parts.count == 2,
              case .sequential(_, let rest) = parts[0].kind, rest.count == 1 else {
            Issue.record("wrong schedule tree")
            return
        }
    }

    @Test func scheduleArgumentsPositionalThenKeyword() throws {
        let list = try statements("schedule a multistep 2 5 8 gamma 0.5\nschedule b onecycle 0.1 100 anneal_strategy linear three_phase true")
        guard case .schedule(let first)? = list.first?.kind, case .single(_, _, let positional, let keywords) = first.schedule.kind else {
            Issue.record("not a schedule")
            return
        }
        #expect(positional.count == 3)
        #expect(keywords.map(\.name.text) == ["gamma"])
    }

    @Test func layerLabelsMayBeKeywords() throws {
        #expect(try statements("model < step: linear 3 3; epoch: relu >").count == 1)
    }

    @Test func statementsSplitOnSemicolons() throws {
        #expect(try statements("seed 1; let a = 2; let b = a").count == 3)
    }

    @Test func rangesCoverStatements() throws {
        let source = SourceFile(path: "t", text: "optimizer adam lr 0.01\n")
        let (script, _) = Parser.parse(source)
        #expect(script.statements.first.map { source.text(of: $0.range) } == "optimizer adam lr 0.01")
    }

    @Test func recoversAtStatementBoundaries() {
        let (script, diagnostics) = parse("seed )\nlet a = 1\nfoo bar\nlet b = *\nlet c = 3")
        #expect(diagnostics.filter { $0.severity == .error }.count == 3)
        #expect(script.statements.count == 2)  // 'let a' and 'let c'; the rest was skipped
    }

    @Test func unclosedModelPointsAtOpener() {
        let (_, diagnostics) = parse("model < linear 3 3\noptimizer sgd")
        #expect(diagnostics.map(\.condition) == [.expectedClosing("'>'", opener: "'<'", line: 1)])
    }

    @Test func unclosedParenPointsAtOpener() {
        let (_, diagnostics) = parse("\nlet a = (1 + 2")
        #expect(diagnostics.map(\.condition) == [.expectedClosing("')'", opener: "'('", line: 2)])
    }

    @Test func comparisonsDoNotChain() {
        let (_, diagnostics) = parse("let a = 1 < 2 < 3")
        #expect(diagnostics.map(\.condition) == [.comparisonChain])
    }

    @Test func deepNestingIsCapped() {
        let deep = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        let (_, diagnostics) = parse("let a = " + deep)
        #expect(diagnostics.map(\.condition) == [.nestingTooDeep(limit: Parser.maxDepth)])
        let unary = String(repeating: "-", count: 10_000) + "1"
        #expect(parse("let a = " + unary).diagnostics.map(\.condition) == [.nestingTooDeep(limit: Parser.maxDepth)])
        let nots = String(repeating: "not ", count: 10_000) + "conv"
        #expect(parse("freeze " + nots).diagnostics.map(\.condition) == [.nestingTooDeep(limit: Parser.maxDepth)])
    }

    @Test func nestingBelowTheCapParses() throws {
        let deep = String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200)
        #expect(try statements("let a = " + deep).count == 1)
    }

    @Test func errorsAreCapped() {
        let text = String(repeating: "bogus\n", count: 100)
        let (_, diagnostics) = parse(text)
        #expect(diagnostics.count == DiagnosticCollector.defaultErrorLimit + 1)
        #expect(diagnostics.last?.condition == .tooManyErrors(DiagnosticCollector.defaultErrorLimit))
    }

    @Test func unknownStatementSuggests() {
        #expect(parse("optimiser adam").diagnostics.map(\.condition) == [.unknownStatement("optimiser", suggestions: ["optimizer"])])
    }
}
