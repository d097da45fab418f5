import LRSFiles
import Foundation
import LRSEngine
import Testing
import TestSupport

/// `lrs export --to pytorch`, then the program run by PyTorch: its trace and saved weights
/// against the reference cases PyTorch computed (Tests/Fixtures/reference/train_* and nested_*, and a few
/// of Tests/Fixtures/reference-own), every sample with data for one epoch, and the DDP
/// program under torchrun.
@Suite(.serialized, .enabled(if: ExportPython.hasTorch,
                             "torch is not importable: set LRS_PYTHON to a Python with torch, numpy and safetensors"))
struct ExportRunTests {
    /// Own cases whose programs use what the visible ones do not: a `validate` source and
    /// dropout, a `split` with shuffling and batchnorm, a csv, Adagrad's constructor-only
    /// initial_accumulator_value, and the options PyTorch 2.13 added (Adam's
    /// decoupled_weight_decay, which AdamW's constructor does not take; NAdam's and RAdam's
    /// maximize; the kinds of issue 15: Muon beside AdamW, Adafactor's eps with None, ASGD,
    /// Rprop; weight decay and momentum schedules; a freeze until an epoch). (All of reference-own passes too; these
    /// keep the suite short.)
    static let ownTrainingCases = ["data_csv_label_shuffle", "data_validate_dropout", "opt_adagrad",
                                   "opt_adam_decoupled", "opt_adamw_decoupled", "opt_nadam_maximize",
                                   "opt_radam_maximize", "sched_plateau_validation",
                                   "opt_muon_adamw_split", "opt_muon_options", "opt_adafactor", "opt_asgd", "opt_rprop",
                                   "sched_weight_decay_cosine", "sched_momentum_warmup", "groups_unfreeze_adam"]

    /// Cases as `FOLDER/NAME`.
    static let trainingCases: [String] = {
        let root = LRSBinary.fixture("reference")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasPrefix("train_") || $0.hasPrefix("nested_") }.sorted().map { "reference/" + $0 }
            + (ownTrainingCases + shapeCases).map { "reference-own/" + $0 }
    }()

    /// Section 12's linear on the last dimension before an implicit flatten (nn.Linear, then
    /// FlattenLinear), with BatchNorm1d over [B, C, L] between them.
    static let shapeCases = ["layers_linear_last_dim"]

    static let samples: [String] = {
        let root = LRSBinary.packageRoot.appendingPathComponent("samples").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasSuffix(".lrs") }.sorted()
    }()

    /// Exports `script` (in `directory`) to `program`; the run must succeed.
    static func export(_ script: String, to program: String, in directory: String, ddp: Bool = false) throws {
        let result = try LRSBinary.run(["export", script, "--to", "pytorch", "-o", program] + (ddp ? ["--ddp"] : []),
                                       in: directory)
        try #require(result.status == 0, "lrs export failed: \(result.stderr)")
    }

    static func relativeDifference(_ a: Double, _ b: Double) -> Double {
        a == b ? 0 : Swift.abs(a - b) / Swift.max(Swift.abs(b), 1e-300)
    }

    @Test(arguments: trainingCases)
    func programMatchesPyTorchReference(_ name: String) throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture(name))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.export("case.lrs", to: "exported.py", in: directory)
        let run = try ExportPython.python(["exported.py", "--trace", "exported.jsonl"], in: directory)
        try #require(run.status == 0, "the exported program failed: \(run.stderr)")

        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))) as? [String: Any]
        let tolerances = try #require(expected?["tolerances"] as? [String: Double])
        let lossTolerance = try #require(tolerances["loss_rel"])
        let paramTolerance = try #require(tolerances["param_rel"])

        let reference = try ExportPython.readTrace(directory + "/trace.jsonl")
        let trace = try ExportPython.readTrace(directory + "/exported.jsonl")
        try #require(trace.count == reference.count, "\(trace.count) steps, the reference has \(reference.count)")
        for (got, want) in zip(trace, reference) {
            #expect(got.epoch == want.epoch && got.step == want.step)
            #expect(Self.relativeDifference(got.loss, want.loss) <= lossTolerance,
                    "step \(want.step): loss \(got.loss), reference \(want.loss)")
            #expect(got.rates.map(\.group) == want.rates.map(\.group))
            for (g, w) in zip(got.rates, want.rates) {
                #expect(Self.relativeDifference(g.lr, w.lr) <= 1e-9, "step \(want.step), \(w.group): lr \(g.lr), reference \(w.lr)")
            }
        }

        let final = try SafetensorsFile.read(path: directory + "/final.safetensors")
        let saved = try SafetensorsFile.read(path: directory + "/out.safetensors")
        #expect(Set(saved.names) == Set(final.names))
        for name in final.names {
            let want = try #require(final[name]).doubles
            let got = try #require(saved[name], "\(name) not saved").doubles
            try #require(got.count == want.count, "\(name): \(got.count) elements, reference \(want.count)")
            var difference = 0.0, norm = 0.0
            for (g, w) in zip(got, want) {
                difference += (g - w) * (g - w)
                norm += w * w
            }
            let relative = norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot()
            #expect(relative <= paramTolerance, "\(name): relative difference \(relative) > \(paramTolerance)")
        }
    }

    static let scheduleCases: [String] = {
        let root = LRSBinary.fixture("reference")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.filter { $0.hasPrefix("sched_") }.sorted()
    }()

    /// The schedule cases have no data: given some (4 samples a step, in order), the
    /// program's trace must show PyTorch's rate for every group at every step.
    @Test(arguments: scheduleCases)
    func scheduleRatesMatchPyTorchReference(_ name: String) throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference/" + name))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))) as? [String: Any]
        let epochs = try #require(expected?["epochs"] as? Int)
        let steps = try #require(expected?["steps_per_epoch"] as? Int)
        let script = try String(contentsOfFile: directory + "/case.lrs", encoding: .utf8)
            + "\ndata synthetic samples \(steps * 4) classes 2\ntrain epochs \(epochs) batch 4 shuffle false\n"
        try script.write(toFile: directory + "/case.lrs", atomically: true, encoding: .utf8)
        try Self.export("case.lrs", to: "exported.py", in: directory)
        let run = try ExportPython.python(["exported.py", "--trace", "exported.jsonl"], in: directory)
        try #require(run.status == 0, "the exported program failed: \(run.stderr)")
        let trace = try ExportPython.readTrace(directory + "/exported.jsonl")
        try #require(trace.count == epochs * steps)
        let rows = try String(contentsOfFile: directory + "/schedule.csv", encoding: .utf8)
            .split(separator: "\n").dropFirst()
        #expect(!rows.isEmpty)
        for row in rows {
            let cells = row.split(separator: ",").map(String.init)
            try #require(cells.count == 4)
            let step = try #require(Int(cells[1]))
            let want = try #require(Double(cells[3]))
            try #require(step >= 0 && step < trace.count)
            let got = try #require(trace[step].rates.first { $0.group == cells[2] }?.lr, "no rate for \(cells[2])")
            #expect(Self.relativeDifference(got, want) <= 1e-9, "step \(step), \(cells[2]): \(got), PyTorch \(want)")
        }
    }

    @Test(arguments: samples)
    func sampleExportsAndRunsOneEpoch(_ name: String) throws {
        let samples = LRSBinary.packageRoot.appendingPathComponent("samples").path
        let directory = try LRSBinary.scratchCopy(of: samples)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Not NAME.py: a sample named like a standard module (selectors) would shadow it.
        let program = name.replacingOccurrences(of: ".lrs", with: "_exported.py")
        try Self.export(name, to: program, in: directory)
        let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        let trains = text.split(separator: "\n").contains { $0.hasPrefix("data ") }
        let run = try ExportPython.python([program] + (trains ? ["--epochs", "1", "--trace", "trace.jsonl"] : []),
                                          in: directory)
        try #require(run.status == 0, "\(program) failed: \(run.stderr)")
        if trains {
            let trace = try ExportPython.readTrace(directory + "/trace.jsonl")
            #expect(!trace.isEmpty)
            #expect(trace.allSatisfy { $0.epoch == 0 && $0.loss.isFinite && !$0.rates.isEmpty })
            #expect(run.stdout.contains("epoch 1/1: loss "))
        }
    }

    /// CSV with a header and a named label column in the middle, and `split`: 60 rows,
    /// 15 held out, 45 trained in batches of 8 (6 steps an epoch), labels as classes.
    /// The epoch line of the exported program shows the rates the epoch's steps used, as
    /// lrs's does (a per-step one-cycle moves them within each epoch: FIRST..LAST).
    @Test func epochLinesShowTheRatesTheStepsUsedAsLrsDoes() throws {
        let directory = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try """
            input 8
            model < linear 8 4 >
            optimizer sgd lr 0.1
            schedule all onecycle 0.1 40 per step
            data synthetic samples 80 classes 4
            train epochs 4 batch 8
            """.write(toFile: directory + "/oc.lrs", atomically: true, encoding: .utf8)
        let run = try LRSBinary.run(["run", "oc.lrs"], in: directory)
        try #require(run.status == 0, "\(run.stderr)")
        try Self.export("oc.lrs", to: "oc.py", in: directory)
        let program = try ExportPython.python(["oc.py"], in: directory)
        try #require(program.status == 0, "\(program.stderr)")
        func rates(_ text: String, after marker: String, upTo end: Character) -> [String] {
            text.split(separator: "\n").compactMap { line in
                guard let start = line.range(of: marker) else { return nil }
                return String(line[start.upperBound...].prefix { $0 != end })
            }
        }
        let lrs = rates(run.stdout, after: "lr all ", upTo: " ")
        let torch = rates(program.stdout, after: "lr all ", upTo: ";")
        #expect(lrs.count == 4)
        #expect(lrs == torch)
        #expect(lrs.first?.hasPrefix("0.004..") == true, "\(lrs)")
    }

    @Test func csvDataWithNamedLabelAndSplit() throws {
        let directory = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var csv = "a,b,label,c\n"
        for i in 0..<60 {
            let a = Double(i % 7) / 3 - 1, b = Double(i % 5) / 2 - 1, c = Double(i % 3) - 1
            csv += "\(a),\(b),\(a > 0 ? 1 : 0),\(c)\n"
        }
        try csv.write(toFile: directory + "/d.csv", atomically: true, encoding: .utf8)
        try """
            input 3
            model < linear 3 8; relu; linear 8 2 >
            optimizer adam lr 0.01
            data csv "d.csv" label "label"
            split 0.25
            train epochs 3 batch 8
            """.write(toFile: directory + "/c.lrs", atomically: true, encoding: .utf8)
        try Self.export("c.lrs", to: "exported.py", in: directory)
        let run = try ExportPython.python(["exported.py", "--trace", "trace.jsonl"], in: directory)
        try #require(run.status == 0, "\(run.stderr)")
        let trace = try ExportPython.readTrace(directory + "/trace.jsonl")
        #expect(trace.count == 18)
        #expect(trace.filter { $0.epoch == 0 }.count == 6)
        #expect(run.stdout.contains("validation loss"))
        #expect(run.stdout.contains("accuracy"))
    }

    @Test func distributedProgramTrainsWithTwoProcessesAndMatchesThePlainOneWithOne() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference/train_seed2"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.export("case.lrs", to: "plain.py", in: directory)
        try Self.export("case.lrs", to: "ddp.py", in: directory, ddp: true)
        let plain = try ExportPython.python(["plain.py", "--trace", "plain.jsonl"], in: directory)
        try #require(plain.status == 0, "\(plain.stderr)")

        let one = try ExportPython.python(["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=1",
                                           "ddp.py", "--trace", "one.jsonl"], in: directory)
        try #require(one.status == 0, "\(one.stderr)")
        let plainTrace = try String(contentsOfFile: directory + "/plain.jsonl", encoding: .utf8)
        #expect(try String(contentsOfFile: directory + "/one.jsonl", encoding: .utf8) == plainTrace)

        try FileManager.default.removeItem(atPath: directory + "/out.safetensors")
        let two = try ExportPython.python(["-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                                           "ddp.py", "--trace", "two.jsonl"], in: directory)
        try #require(two.status == 0, "\(two.stderr)")
        let trace = try ExportPython.readTrace(directory + "/two.jsonl")
        let epochs = Set(trace.map(\.epoch)).sorted()
        let first = trace.filter { $0.epoch == epochs.first }.map(\.loss)
        let last = trace.filter { $0.epoch == epochs.last }.map(\.loss)
        try #require(epochs.count >= 2 && !first.isEmpty && !last.isEmpty)
        let mean = { (losses: [Double]) in losses.reduce(0, +) / Double(losses.count) }
        #expect(mean(last) < mean(first), "loss did not fall: \(mean(first)) -> \(mean(last))")
        #expect(FileManager.default.fileExists(atPath: directory + "/out.safetensors"))
    }
}

/// What `lrs export` refuses and how it says so; needs no Python.
@Suite struct ExportCommandTests {
    @Test func unexportableSetupIsRefusedWithALocatedDiagnostic() throws {
        let directory = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "model < eval: linear 4 2 >\n".write(toFile: directory + "/case.lrs", atomically: true, encoding: .utf8)
        let result = try LRSBinary.run(["export", "case.lrs", "--to", "pytorch", "-o", "out.py"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("case.lrs:1:9: error: cannot export to PyTorch: layer name 'eval'"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/out.py"))
    }

    @Test func programGoesToStandardOutputWithoutO() throws {
        let result = try LRSBinary.run(["export", LRSBinary.packageRoot.appendingPathComponent("samples/seed2.lrs").path,
                                        "--to", "pytorch"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("#!/usr/bin/env python3\n\"\"\"seed2.lrs as a PyTorch program"))
        #expect(result.stdout.contains("if __name__ == \"__main__\":"))
    }

    /// docs/export-example.py is what `lrs export samples/seed2.lrs` writes today.
    @Test func documentedExampleIsCurrent() throws {
        let directory = NSTemporaryDirectory() + "lrs-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = LRSBinary.packageRoot.path
        let result = try LRSBinary.run(["export", root + "/samples/seed2.lrs", "--to", "pytorch",
                                        "-o", directory + "/export-example.py"])
        #expect(result.status == 0)
        let written = try String(contentsOfFile: directory + "/export-example.py", encoding: .utf8)
        // A golden file: LRS_RECORD=1 rewrites it, as `lrs export samples/seed2.lrs --to pytorch
        // -o docs/export-example.py` would.
        if let problem = Golden.mismatch(written, LRSBinary.packageRoot.appendingPathComponent("docs/export-example.py")) {
            Issue.record(Comment(rawValue: problem))
        }
    }

    @Test func programAwayFromTheScriptNotesWhereItLooksForFiles() throws {
        let directory = try LRSBinary.scratchCopy(of: LRSBinary.fixture("reference/train_seed2"))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory + "/out", withIntermediateDirectories: true)
        let away = try LRSBinary.run(["export", "case.lrs", "--to", "pytorch", "-o", "out/p.py"], in: directory)
        #expect(away.status == 0)
        #expect(away.stderr.contains("note: the program finds 'init.safetensors', 'x.npy', 'y.npy', 'out.safetensors' beside itself"))
        let beside = try LRSBinary.run(["export", "case.lrs", "--to", "pytorch", "-o", "p.py"], in: directory)
        #expect(beside.status == 0)
        #expect(!beside.stderr.contains("beside itself"))
        #expect(FileManager.default.fileExists(atPath: directory + "/out/p.py"))
    }

    @Test func missingTargetIsAUsageError() throws {
        let result = try LRSBinary.run(["export", "nothing.lrs"])
        #expect(result.status == 2)
    }
}
