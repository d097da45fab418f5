import Foundation
import Testing
import TestSupport

/// `lrs export --to pytorch --module`: the `build(model)` module of section 16 for the
/// user's own training code, run by PyTorch through Tests/Fixtures/module/harness.py.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportModuleTests {
    /// A scratch directory holding the harness and the module fixtures.
    static func scratch() throws -> String {
        try LRSBinary.scratchCopy(of: LRSBinary.fixture("module"))
    }

    static func exportModule(_ script: String, to module: String, in directory: String) throws {
        let result = try LRSBinary.run(["export", script, "--to", "pytorch", "--module", "-o", module], in: directory)
        try #require(result.status == 0, "lrs export --module failed: \(result.stderr)")
    }

    /// Runs the harness (under `launcher`, e.g. torchrun's arguments); its one JSON object.
    static func harness(_ arguments: [String], in directory: String, launcher: [String] = []) throws -> [String: Any] {
        // A torchrun job that hangs (a lost peer) is cut short well before the default.
        let run = try ExportPython.python(launcher + ["harness.py"] + arguments, in: directory,
                                          timeout: launcher.isEmpty ? 600 : 240)
        try #require(run.status == 0, "harness \(arguments) failed: \(run.stderr)")
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    static let samples = ["layerwise_decay.lrs", "magnitude.lrs", "plateau.lrs", "schedules.lrs", "selectors.lrs"]

    /// The groups that build() makes on the script's own model (the exported program's
    /// build_model) are `lrs check --format json`'s: names in order, each group's
    /// parameters in order, its optimizer kind and every hyperparameter's value.
    @Test(arguments: samples)
    func buildMakesTheGroupsLrsCheckReports(_ sample: String) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = LRSBinary.packageRoot.appendingPathComponent("samples/" + sample).path
        try Self.exportModule(script, to: "made.py", in: directory)
        let program = try LRSBinary.run(["export", script, "--to", "pytorch", "-o", "program.py"], in: directory)
        try #require(program.status == 0, "\(program.stderr)")
        let check = try LRSBinary.run(["check", script, "--format", "json"], in: directory)
        try #require(check.status == 0, "\(check.stderr)")
        let reports = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]])
        let expected = try #require(reports.first?["groups"] as? [[String: Any]])

        let run = try ExportPython.python(["harness.py", "groups", "program", "made"], in: directory)
        try #require(run.status == 0, "\(run.stderr)")
        let built = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])
        #expect(built.map { $0["name"] as? String } == expected.map { $0["name"] as? String })
        for (got, want) in zip(built, expected) {
            let name = want["name"] as? String ?? "?"
            let parameters = (want["parameters"] as? [[String: Any]] ?? []).map { $0["name"] as? String ?? "" }
            #expect(got["parameters"] as? [String] == parameters, "group \(name)")
            #expect((got["optimizer"] as? String)?.lowercased() == want["optimizer"] as? String, "group \(name)")
            let settings = try #require(got["hyperparameters"] as? [String: Any])
            for (key, entry) in want["hyperparameters"] as? [String: [String: Any]] ?? [:] {
                let value = Self.numbers(entry["value"])
                #expect(!value.isEmpty && Self.numbers(settings[key]) == value,
                        "group \(name), \(key): built \(String(describing: settings[key])), check \(value)")
            }
        }
    }

    /// A JSON number, bool or list of numbers as doubles.
    static func numbers(_ value: Any?) -> [Double] {
        if let list = value as? [Any] { return list.compactMap { ($0 as? NSNumber)?.doubleValue } }
        return (value as? NSNumber).map { [$0.doubleValue] } ?? []
    }

    /// A loop of step() and epoch_end() goes through the rates `lrs schedule --format csv`
    /// lists (per-step schedules move within the epoch, per-epoch ones after it); step()
    /// zeroes the gradients; epoch_end() without a metric is refused where a plateau reads it.
    @Test(arguments: ["schedules.lrs", "warmup_cosine.lrs", "plateau.lrs"])
    func stepAndEpochEndFollowTheScheduleLrsComputes(_ sample: String) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = LRSBinary.packageRoot.appendingPathComponent("samples/" + sample).path
        try Self.exportModule(script, to: "made.py", in: directory)
        let program = try LRSBinary.run(["export", script, "--to", "pytorch", "-o", "program.py"], in: directory)
        try #require(program.status == 0, "\(program.stderr)")
        let (epochs, steps) = (3, 4)
        let csv = try LRSBinary.run(["schedule", script, "--epochs", "\(epochs)", "--steps-per-epoch", "\(steps)",
                                     "--format", "csv"], in: directory)
        try #require(csv.status == 0, "\(csv.stderr)")
        let result = try Self.harness(["rates", "program", "made", "\(epochs)", "\(steps)"], in: directory)
        let rates = try #require(result["rates"] as? [[String: Double]])
        try #require(rates.count == epochs * steps)
        var rows = 0
        for row in csv.stdout.split(separator: "\n").dropFirst() {
            let cells = row.split(separator: ",").map(String.init)
            try #require(cells.count == 4)
            let step = try #require(Int(cells[1]))
            let want = try #require(Double(cells[3]))
            let got = try #require(rates[step][cells[2]], "no rate for \(cells[2])")
            #expect(Swift.abs(got - want) <= 1e-12 * Swift.abs(want), "step \(step), \(cells[2]): \(got), lrs \(want)")
            rows += 1
        }
        #expect(rows == rates.count * rates[0].count)
        #expect(result["no gradients"] as? Bool == true)
        let plateau = sample == "plateau.lrs"
        #expect(result["without metric"] as? String
                == (plateau ? "epoch_end() needs the metric: a plateau schedule reads it" : "ok"))
    }

    /// `train ... clip 1.0`: step() clips every trained parameter's gradient to a total
    /// 2-norm of 1 before the optimizers step; a script without clip does not clip.
    @Test(arguments: ["clip_accumulate_wsd.lrs", "seed2.lrs"])
    func stepClipsWhereTheScriptDoes(_ sample: String) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = LRSBinary.packageRoot.appendingPathComponent("samples/" + sample).path
        try Self.exportModule(script, to: "made.py", in: directory)
        let program = try LRSBinary.run(["export", script, "--to", "pytorch", "-o", "program.py"], in: directory)
        try #require(program.status == 0, "\(program.stderr)")
        let result = try Self.harness(["clip", "program", "made"], in: directory)
        let calls = try #require(result["calls"] as? [[Double]])
        if sample == "seed2.lrs" {
            #expect(calls.isEmpty)
            return
        }
        #expect(calls.count == 1)
        #expect(calls.first == [6, 1.0], "\(calls)")
        let norm = try #require((result["norm after"] as? [Double])?.first)
        #expect(Swift.abs(norm - 1) < 1e-5, "\(norm)")
    }

    /// build() checks the live model first: one ValueError with every missing, unexpected and
    /// mis-shaped name; DataParallel and torch.compile wrappers looked through; a tied
    /// parameter's second name accepted, but not its names in two groups; a frozen name may
    /// be a buffer, a grouped one may not; an extra parameter counts only when it trains.
    @Test func buildChecksTheModelStrictly() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.exportModule("strict.lrs", to: "strict_setup.py", in: directory)
        let cases = try Self.harness(["strict", "strict_setup"], in: directory)
        #expect(cases["matching"] as? String == "ok")
        #expect(cases["differences"] as? String == """
            the model does not match strict.lrs (6 differences):
              mis-shaped: '0.weight' is [3, 4] in the model, [4, 4] in the script
              mis-shaped: '0.bias' is [3] in the model, [4] in the script
              missing: 'head.weight' [2, 4]
              missing: 'head.bias' [2]
              unexpected: 'tail.weight' [2, 4] requires grad and is in no group
              unexpected: 'tail.bias' [2] requires grad and is in no group
            """)
        #expect(cases["wrapped"] as? String == "ok")
        #expect(cases["tied alias"] as? String == "ok")
        #expect((cases["tied across groups"] as? String)?.hasSuffix(
            "tied: '2.weight' (group middle) and '0.weight' (group others) are one parameter of the model") == true,
                "\(cases["tied across groups"] ?? "")")
        #expect(cases["frozen buffer"] as? String == "ok")
        #expect((cases["grouped name is a buffer"] as? String)?.hasSuffix(
            "missing: 'head.bias' [2] (a buffer of the model)") == true)
        #expect(cases["extra frozen"] as? String == "ok")
        #expect((cases["extra trained"] as? String)?.hasSuffix(
            "unexpected: 'extra' [3] requires grad and is in no group") == true)
        #expect(cases["0.bias requires grad"] as? Bool == false)
    }

    /// state_dict() keys state by names: a setup whose groups were reordered (in both
    /// optimizers, under a scheduler shared by two groups and under per-group ones) resumes
    /// from it exactly; one with a new group refuses it, and with strict=False says what is new.
    @Test func stateDictResumesAfterGroupsWereReordered() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["old", "new", "grown"] { try Self.exportModule(name + ".lrs", to: name + "_setup.py", in: directory) }
        let result = try Self.harness(["resume", "old_setup", "new_setup", "grown_setup"], in: directory)
        #expect(result["new order"] as? [String] == ["b", "a", "d", "c"])
        #expect((result["difference"] as? NSNumber)?.doubleValue == 0, "\(result["difference"] ?? "")")
        let rates = try #require(result["lr"] as? [String: Double])
        #expect(rates.count == 4)
        #expect(result["resumed lr"] as? [String: Double] == rates)
        let report = try #require(result["report"] as? [String: [String]])
        #expect(report.values.allSatisfy { $0.isEmpty }, "\(report)")
        #expect((result["strict"] as? String)?.hasPrefix(
            "the saved state does not match this setup:\n  new groups: 'abias'") == true, "\(result["strict"] ?? "")")
        let lenient = try #require(result["lenient"] as? [String: [String]])
        #expect(lenient["new_groups"] == ["abias"])
        #expect(lenient["new_parameters"] == [])
    }

    /// Under torchrun, two gloo processes with their own data build the setup on a
    /// DistributedDataParallel model in their own loop: after six steps both hold the same
    /// parameters, and the parameters moved.
    /// FSDP2 (`fully_shard`) likewise: its parameters are DTensors under the same names.
    /// The two jobs run one after the other, not as parallel test cases.
    @Test func buildWorksUnderTorchrun() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.exportModule("old.lrs", to: "old_setup.py", in: directory)
        for wrapper in ["ddp", "fsdp"] {
            let result = try Self.harness([wrapper, "old_setup"], in: directory,
                                          launcher: ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"])
            #expect(result["world"] as? Int == 2, "\(wrapper)")
            #expect(result["identical"] as? Bool == true, "\(wrapper)")
            #expect(((result["moved"] as? NSNumber)?.doubleValue ?? 0) > 0, "\(wrapper)")
        }
    }
}

/// The module's text and the command line around it; needs no Python.
@Suite struct ExportModuleCommandTests {
    /// docs/export-module-example.py is what `lrs export samples/warmup_cosine.lrs --to
    /// pytorch --module` writes today (LRS_RECORD=1 rewrites it).
    @Test func documentedModuleExampleIsCurrent() throws {
        let result = try LRSBinary.run(["export", "samples/warmup_cosine.lrs", "--to", "pytorch", "--module"],
                                       in: LRSBinary.packageRoot.path)
        #expect(result.status == 0, "\(result.stderr)")
        if let problem = Golden.mismatch(result.stdout,
                                         LRSBinary.packageRoot.appendingPathComponent("docs/export-module-example.py")) {
            Issue.record(Comment(rawValue: problem))
        }
    }

    static let samples: [String] = {
        let root = LRSBinary.packageRoot.appendingPathComponent("samples").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasSuffix(".lrs") }.sorted()
    }()

    /// PEP 8 as the program export keeps it: lines within 99 columns, no trailing blanks, and
    /// a module (no `__main__`, no argparse) whose one public entry is build().
    @Test(arguments: samples)
    func moduleOfEverySampleIsTidy(_ sample: String) throws {
        let result = try LRSBinary.run(["export", "samples/" + sample, "--to", "pytorch", "--module"],
                                       in: LRSBinary.packageRoot.path)
        try #require(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            // A scheduler's arguments, written by the program's schedule section (shared, and
            // kept as the program has it), stay on one continuation line however long.
            let schedulerArguments = line.hasPrefix("            optimizer, ")
            #expect(line.count <= 99 || schedulerArguments, "line \(number + 1) has \(line.count) columns")
            #expect(line.last != " ", "line \(number + 1) ends in a blank")
        }
        #expect(result.stdout.contains("\ndef build(model, *, epochs=None, steps_per_epoch=None):\n"))
        #expect(!result.stdout.contains("__main__") && !result.stdout.contains("argparse"))
    }

    /// A schedule over `epochs` in a script that does not fix the run's length: the module
    /// leaves it to build()'s keyword, or `--epochs` fixes it in the module (and build()
    /// then refuses another); a program takes its own.
    @Test func exportEpochsGiveTheModuleTheRunsLength() throws {
        let directory = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            model from "\(LRSBinary.fixture("models/gpt2/model.safetensors"))"
            optimizer adamw
            schedule all cosine epochs

            """.write(toFile: directory + "/open.lrs", atomically: true, encoding: .utf8)
        let without = try LRSBinary.run(["export", "open.lrs", "--to", "pytorch", "-o", "setup.py"], in: directory)
        #expect(without.status == 0, "\(without.stderr)")
        let open = try String(contentsOfFile: directory + "/setup.py", encoding: .utf8)
        #expect(open.contains("CosineAnnealingLR(optimizer, T_max=epochs)"))
        #expect(open.contains("\"epochs\": (\n        \"the schedule of group 'all' (line 3: cosine epochs) reads epochs\"\n"))
        let given = try LRSBinary.run(["export", "open.lrs", "--to", "pytorch", "--epochs", "7", "-o", "setup.py"],
                                      in: directory)
        #expect(given.status == 0, "\(given.stderr)")
        let module = try String(contentsOfFile: directory + "/setup.py", encoding: .utf8)
        #expect(module.contains("CosineAnnealingLR(optimizer, T_max=7)"))
        #expect(module.contains("SCRIPT_RUN_LENGTH = {\"epochs\": 7}"))
        let program = try LRSBinary.run(["export", LRSBinary.packageRoot.appendingPathComponent("samples/seed2.lrs").path,
                                         "--to", "pytorch", "--epochs", "7", "-o", "program.py"], in: directory)
        #expect(program.status == 1)
        #expect(program.stderr.contains("error: cannot export to PyTorch: --epochs and --steps-per-epoch give the run's "
                                        + "length to a 'build(model)' module"))
    }

    @Test func moduleAndDdpTogetherAreAUsageError() throws {
        let result = try LRSBinary.run(["export", "samples/seed2.lrs", "--to", "pytorch", "--module", "--ddp"],
                                       in: LRSBinary.packageRoot.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--module and --ddp"))
    }
}
