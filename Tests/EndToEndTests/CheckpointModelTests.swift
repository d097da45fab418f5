import Foundation
import Testing
import TestSupport

/// `model from "F.safetensors"` and `"F.safetensors.index.json"` (section 13) from the
/// command line, on the real-architecture fixtures (Tests/Fixtures/models): the groups of
/// each setup equal, parameter by parameter, those its project's own code computes.
@Suite struct CheckpointModelTests {
    /// Every setup, the layer-wise decays with captures and the Muon/AdamW splits included.
    @Test(arguments: ["gpt2/nanogpt", "gpt2/hf_no_decay", "gpt2/muon_adamw", "llama/muon_adamw",
                      "bert/hf_no_decay", "bert/electra_layerwise",
                      "resnet/backbone_rate", "resnet/timm_weight_decay", "llama/hf_no_decay",
                      "vit/timm_weight_decay", "vit/timm_layer_decay"])
    func groupsEqualTheProjectsOwn(setup: String) throws {
        let run = try LRSBinary.run(["check", "--format", "json", "Tests/Fixtures/models/\(setup).lrs"], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let report = try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])?.first)
        let expected = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: LRSBinary.fixture("models/\(setup).json")))) as? [String: Any])
        var actual: [String: (group: String, hyperparameters: [String: Any])] = [:]
        var order: [String] = []
        for group in report["groups"] as? [[String: Any]] ?? [] {
            let settings = (group["hyperparameters"] as? [String: [String: Any]] ?? [:]).mapValues { $0["value"] as Any }
            for parameter in group["parameters"] as? [[String: Any]] ?? [] {
                let name = parameter["name"] as? String ?? ""
                actual[name] = (group["name"] as? String ?? "", settings)
                order.append(name)
            }
        }
        let frozen = Set(report["frozen"] as? [String] ?? [])
        let rows = expected["parameters"] as? [[String: Any]] ?? []
        #expect(!rows.isEmpty)
        for row in rows {
            let name = row["name"] as? String ?? ""
            if row["frozen"] as? Bool == true {
                #expect(frozen.contains(name), "\(setup): \(name) should be frozen")
                continue
            }
            guard let got = actual[name] else {
                Issue.record("\(setup): \(name) is in no group")
                continue
            }
            #expect(got.group == row["lrs_group"] as? String, "\(setup): \(name)")
            for key in ["lr", "weight_decay", "momentum"] {
                guard let want = row[key] as? Double else { continue }
                #expect(got.hyperparameters[key] as? Double == want, "\(setup): \(name) \(key)")
            }
        }
        // Every parameter of the checkpoint is accounted for, and no buffer is a parameter.
        #expect(actual.count + frozen.count == rows.count)
        let buffers = (report["buffers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(buffers.allSatisfy { actual[$0] == nil && !frozen.contains($0) })
    }

    @Test func resnetBuffersAreApartFromFrozen() throws {
        let run = try LRSBinary.run(["check", "--format", "json", "Tests/Fixtures/models/resnet/backbone_rate.lrs"])
        let report = try #require((try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])?.first)
        let buffers = (report["buffers"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        // 53 BatchNorms, each with running_mean, running_var and the I64 num_batches_tracked.
        #expect(buffers.count == 159)
        #expect(buffers.contains("layer1.0.downsample.1.num_batches_tracked"))
        let frozen = report["frozen"] as? [String] ?? []
        #expect(frozen.contains("conv1.weight"))
        #expect(!frozen.contains { $0.hasSuffix("running_mean") })
    }

    /// The sharded layout gives the same groups as the single file, in the index's order.
    @Test func shardedIndexEqualsTheSingleFile() throws {
        let directory = Fixtures.temporaryDirectory()
        let models = LRSBinary.fixture("models/llama")
        let body = "optimizer adamw lr 5e-5 weight_decay 0.01\n"
            + "group not (input_layernorm or post_attention_layernorm or norm) as decay\n"
            + "group rest weight_decay 0 as no_decay\n"
        try ("model from \"\(models)/model.safetensors.index.json\"\n" + body)
            .write(toFile: directory + "/index.lrs", atomically: true, encoding: .utf8)
        try ("model from \"\(models)/model.safetensors\"\n" + body)
            .write(toFile: directory + "/single.lrs", atomically: true, encoding: .utf8)
        func groups(_ script: String) throws -> [String: [String]] {
            let run = try LRSBinary.run(["check", "--format", "json", script], in: directory)
            #expect(run.status == 0, "\(run.stderr)")
            let report = (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]])?.first
            var result: [String: [String]] = [:]
            for group in report?["groups"] as? [[String: Any]] ?? [] {
                result[group["name"] as? String ?? ""] = (group["parameters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            }
            return result
        }
        let sharded = try groups("index.lrs")
        #expect(sharded["decay"]?.count == 30)
        #expect(sharded["no_decay"]?.count == 9)
        let single = try groups("single.lrs")
        #expect(Set(sharded["decay"] ?? []) == Set(single["decay"] ?? []))
        // The index's weight_map order, not the shards' header order.
        let index = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: models + "/model.safetensors.index.json"))) as? [String: Any]
        let mapText = try String(contentsOfFile: models + "/model.safetensors.index.json", encoding: .utf8)
        let decay = Set(sharded["decay"] ?? [])
        let inFileOrder = ((index?["weight_map"] as? [String: String]) ?? [:]).keys
            .filter { decay.contains($0) }
            .sorted { (mapText.range(of: "\"\($0)\"")?.lowerBound ?? mapText.endIndex) < (mapText.range(of: "\"\($1)\"")?.lowerBound ?? mapText.endIndex) }
        #expect(sharded["decay"] == inFileOrder)
    }

    @Test func explainNamesTheModuleAndScheduleWorks() throws {
        let explain = try LRSBinary.run(["check", "--explain", "transformer.h.3.attn.c_attn.weight",
                                         "Tests/Fixtures/models/gpt2/nanogpt.lrs"])
        #expect(explain.status == 0)
        #expect(explain.stdout.contains("parameter 'transformer.h.3.attn.c_attn.weight': 16x48, 768 elements, module 'transformer.h.3.attn.c_attn'"))
        #expect(explain.stdout.contains("taken by group 'decay' (line 10)"))
        let schedule = try LRSBinary.run(["schedule", "Tests/Fixtures/models/gpt2/nanogpt.lrs", "--epochs", "2"])
        #expect(schedule.status == 0, "\(schedule.stderr)")
        #expect(schedule.stdout.contains("decay"))
        #expect(schedule.stdout.contains("0.0006"))
    }

    /// Words are whole segments; kinds are refused; a word in no name gets the nearest; a
    /// selector word swallowed by a predicate gets section 13's hint.
    @Test func selectorMistakesAreLocated() throws {
        let directory = Fixtures.temporaryDirectory()
        let script = """
            model from "\(LRSBinary.fixture("models/bert/model.safetensors"))"
            optimizer adamw
            group linear lr 1e-3
            group layernorm lr 1e-3
            group all where ndim >= 2 and not word_embeddings lr 1e-3
            group "*.wieght" lr 1e-3
            group rest

            """
        try script.write(toFile: directory + "/bad.lrs", atomically: true, encoding: .utf8)
        let run = try LRSBinary.run(["check", "bad.lrs"], in: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("bad.lrs:3:7: error: 'linear' is a layer kind, and a model from a checkpoint has no layer kinds"))
        // `layernorm` is an lrs kind; the segment the user meant is named.
        #expect(run.stderr.contains("bad.lrs:4:7: error: 'layernorm' is a layer kind, and a model from a checkpoint has no layer kinds"))
        #expect(run.stderr.contains("or a quoted glob; did you mean 'LayerNorm'?"))
        #expect(run.stderr.contains("bad.lrs:5:35: error: unknown name 'word_embeddings'"))
        #expect(run.stderr.contains("bad.lrs:5:35: note: a 'where' predicate extends as far as it can, so 'word_embeddings' was read as part of it"))
        #expect(run.stderr.contains("bad.lrs:6:7: error: no parameter name matches '*.wieght'"))
    }

    @Test func aWholeSegmentIsNotASubstring() throws {
        let directory = Fixtures.temporaryDirectory()
        // `LayerNorm` takes the 25 LayerNorms' weights and biases, never `attention.output.dense`.
        let script = """
            model from "\(LRSBinary.fixture("models/bert/model.safetensors"))"
            group LayerNorm lr 0.5 as norms
            group rest lr 0.1

            """
        try script.write(toFile: directory + "/words.lrs", atomically: true, encoding: .utf8)
        let run = try LRSBinary.run(["check", "words.lrs"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("group norms (sgd): 50 parameters"))
        #expect(run.stdout.contains("bert.encoder.layer.{0..11}.output.LayerNorm.weight"))
    }

    @Test func runIsRefusedWithWhatWorksInstead() throws {
        let directory = Fixtures.temporaryDirectory()
        let script = """
            model from "\(LRSBinary.fixture("models/gpt2/model.safetensors"))"
            optimizer adamw
            data synthetic
            train epochs 3

            """
        try script.write(toFile: directory + "/run.lrs", atomically: true, encoding: .utf8)
        let run = try LRSBinary.run(["run", "run.lrs"], in: directory, timeout: 60)
        #expect(run.status == 1)
        #expect(run.stderr.contains("run.lrs:1:1: error: the model comes from the checkpoint"))
        #expect(run.stderr.contains("it can check ('lrs check', '--explain'), schedule ('lrs schedule') and export"))
        // `train` is allowed: `lrs check` accepts the script.
        #expect(try LRSBinary.run(["check", "run.lrs"], in: directory).status == 0)
    }

    /// Hostile checkpoints: a located error and exit 1 each, never a crash.
    @Test func hostileCheckpointsAreRefused() throws {
        let directory = Fixtures.temporaryDirectory()
        func file(_ name: String, header: String, dataBytes: Int, declaredLength: UInt64? = nil) throws {
            var bytes: [UInt8] = []
            var length = declaredLength ?? UInt64(header.utf8.count)
            for _ in 0 ..< 8 {
                bytes.append(UInt8(length & 0xff))
                length >>= 8
            }
            bytes += Array(header.utf8) + [UInt8](repeating: 0, count: dataBytes)
            try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        }
        let entry = #"{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#
        try file("overlap.safetensors", header: #"{"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},"b":{"dtype":"F32","shape":[8],"data_offsets":[16,48]}}"#, dataBytes: 48)
        try file("past.safetensors", header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 8)
        try file("overflow.safetensors", header: #"{"a":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}}"#, dataBytes: 16)
        try file("length.safetensors", header: "{}", dataBytes: 0, declaredLength: 1 << 62)
        try file("duplicate.safetensors", header: #"{"a":\#(entry),"a":\#(entry)}"#, dataBytes: 4)
        try file("dtype.safetensors", header: #"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, dataBytes: 4)
        try file("good.safetensors", header: #"{"a.weight":\#(entry)}"#, dataBytes: 4)
        var utf8 = Array(#"{"a?":\#(entry)}"#.utf8)
        utf8[3] = 0xFF
        try Data([UInt8(utf8.count), 0, 0, 0, 0, 0, 0, 0] + utf8 + [0, 0, 0, 0]).write(to: URL(fileURLWithPath: directory + "/utf8.safetensors"))
        try #"{"weight_map": {"a.weight": "gone.safetensors"}}"#.write(toFile: directory + "/missing.index.json", atomically: true, encoding: .utf8)
        try #"{"weight_map": {"a.weight": "good.safetensors", "a.weight": "good.safetensors"}}"#.write(toFile: directory + "/twice.index.json", atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("overlap.safetensors", "tensors 'a' (bytes 0..<32) and 'b' (bytes 16..<48) overlap"),
            ("past.safetensors", "tensor 'a' (F32 4) claims bytes 0..<16 of a 8-byte data section"),
            ("overflow.safetensors", "whose size in bytes overflows"),
            ("length.safetensors", "header length 4611686018427387904 exceeds the file size"),
            ("duplicate.safetensors", "the header names 'a' twice"),
            ("dtype.safetensors", "tensor 'a' has dtype 'F33', which is none of"),
            ("utf8.safetensors", "not valid UTF-8"),
            ("missing.index.json", "the shard 'gone.safetensors' of 'a.weight': no such file"),
            ("twice.index.json", "the index names 'a.weight' twice"),
            ("nothing.safetensors", "cannot read the model 'nothing.safetensors': no such file"),
        ]
        for (name, message) in cases {
            try "model from \"\(name)\"\ngroup all\n".write(toFile: directory + "/case.lrs", atomically: true, encoding: .utf8)
            let run = try LRSBinary.run(["check", "case.lrs"], in: directory, timeout: 30)
            #expect(run.status == 1, "\(name)")
            #expect(!run.crashed, "\(name)")
            #expect(run.stderr.contains("case.lrs:1:12: error: cannot read the model '\(name)': "), "\(name): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(name): \(run.stderr)")
        }
    }

    /// The REPL shows and explains a checkpoint's groups, typed a line at a time, and
    /// refuses to train it.
    @Test func theReplShowsAndExplainsButDoesNotTrain() throws {
        let lines = [
            "model from \"model.safetensors\"",
            "optimizer adamw lr 6e-4",
            "group all where ndim >= 2 weight_decay 0.1 as decay",
            "group rest weight_decay 0 as nodecay",
            "show groups",
            "explain transformer.h.3.ln_1.weight",
            "step",
        ]
        let run = try LRSBinary.run(["repl"], in: LRSBinary.fixture("models/gpt2"),
                                    input: lines.joined(separator: "\n") + "\n", timeout: 60)
        #expect(!run.timedOut)
        #expect(run.stdout.contains("group decay (adamw): 50 parameters"), "\(run.stdout)")
        #expect(run.stdout.contains("group nodecay (adamw): 98 parameters"))
        #expect(run.stdout.contains("taken by group 'nodecay'"))
        #expect(run.stderr.contains("<repl>:7:1: error: the model comes from the checkpoint 'model.safetensors', which lrs does not train"),
                "\(run.stderr)")
    }

    /// A model from a checkpoint exports as the build(model) module of section 16 (no
    /// --module needed); --ddp, which asks for a program, is refused.
    @Test func exportWritesTheBuildModule() throws {
        let directory = Fixtures.temporaryDirectory()
        let script = LRSBinary.fixture("models/gpt2/nanogpt.lrs")
        let run = try LRSBinary.run(["export", script, "--to", "pytorch", "-o", directory + "/setup.py"], timeout: 60)
        #expect(run.status == 0, "\(run.stderr)")
        let module = try String(contentsOfFile: directory + "/setup.py", encoding: .utf8)
        #expect(module.contains("\ndef build(model, *, epochs=None, steps_per_epoch=None):\n"))
        #expect(module.contains("    \"transformer.h.11.mlp.c_proj.weight\": (32, 16),\n"))
        let ddp = try LRSBinary.run(["export", script, "--to", "pytorch", "--ddp", "-o", directory + "/ddp.py"],
                                    timeout: 60)
        #expect(ddp.status == 1)
        #expect(ddp.stderr.contains("a model from a checkpoint exports as a 'build(model)' module, not a program"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/ddp.py"))
    }

    /// A predicate on `param` reads the tensor's F16 data from the checkpoint: the counts are
    /// numpy's over the same file (`std(ddof=1) > 0.015`: 26 tensors; `mean > 0.5`: the 25
    /// LayerNorm weights, all ones).
    @Test func predicatesReadTheCheckpointsValues() throws {
        let directory = Fixtures.temporaryDirectory()
        for (predicate, count) in [("std(param) > 0.015", 26), ("mean(param) > 0.5", 25)] {
            let script = """
                model from "\(LRSBinary.fixture("models/gpt2/model.safetensors"))"
                group all where \(predicate) as chosen
                group rest

                """
            try script.write(toFile: directory + "/values.lrs", atomically: true, encoding: .utf8)
            let run = try LRSBinary.run(["check", "values.lrs"], in: directory)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("group chosen (sgd): \(count) parameters"), "\(predicate): \(run.stdout.prefix(300))")
        }
    }
}
