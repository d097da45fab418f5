import Foundation
import Testing
import TestSupport

/// `lrs check` as a user runs it: exit statuses, the group report, JSON, `--explain`, `-D`.
@Suite struct CheckCommandTests {
    @Test func seedOneReportsGroupsOnStdout() throws {
        let run = try LRSBinary.run(["check", "samples/seed1.lrs"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("group conv (adam): 2 parameters, 448 elements"))
        #expect(run.stdout.contains("0.weight  16x3x3x3  432"))
        // Values line up after the longest name, adam's decoupled_weight_decay.
        #expect(run.stdout.contains("eps                     1e-08  (default)"))
        #expect(run.stdout.contains("decoupled_weight_decay  false  (default)"))
        #expect(run.stderr.contains("note: layer '2' flattens its input 16x26x26 to 10816 features"))
    }

    @Test func capturesSplitTheGroupAndExplainSaysTheValue() throws {
        let script = "Tests/Fixtures/captures/vit_layers/case.lrs"
        let run = try LRSBinary.run(["check", script])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("group block.10 (adamw): 2 parameters"))
        #expect(run.stdout.range(of: "group block.2 ")?.lowerBound ?? run.stdout.endIndex
                < run.stdout.range(of: "group block.10 ")?.lowerBound ?? run.stdout.startIndex)
        let explain = try LRSBinary.run(["check", "--explain", "block10.weight", script])
        #expect(explain.stdout.contains("taken by group 'block.10' (line 24): '\"block{i}.*\"' matches; it binds i = 10"),
                "\(explain.stdout)")
        let unbound = try LRSBinary.run(["check", "captures_unbound.lrs"],
                                        in: LRSBinary.packageRoot.appendingPathComponent("Tests/Fixtures/language/diagnostics").path)
        #expect(unbound.status == 1)
        #expect(unbound.stderr.contains("error: capture 'i' has no value for parameter 'head.weight'"))
    }

    @Test func scheduleShowsInTheReport() throws {
        let run = try LRSBinary.run(["check", "samples/seed2.lrs"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("schedule  lambda 0.95^epoch (per epoch)"))
    }

    @Test func scriptErrorsExitOne() throws {
        let directory = LRSBinary.packageRoot.appendingPathComponent("Tests/Fixtures/language/diagnostics")
        let run = try LRSBinary.run(["check", "unknown_names.lrs"], in: directory.path)
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try LRSBinary.run(["check"]).status == 2)
        #expect(try LRSBinary.run(["check", "--format", "yaml", "samples/seed1.lrs"]).status == 2)
        #expect(try LRSBinary.run(["check", "-D", "oops", "samples/seed1.lrs"]).status == 2)
        #expect(try LRSBinary.run(["check", "--explain", "9.weight", "samples/seed1.lrs"]).status == 2)
    }

    @Test func missingFileExitsOne() throws {
        let run = try LRSBinary.run(["check", "no/such/file.lrs"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot read 'no/such/file.lrs'"))
    }

    @Test func jsonForTools() throws {
        let run = try LRSBinary.run(["check", "--format", "json", "samples/seed1.lrs"])
        #expect(run.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: Any]]
        let groups = object?.first?["groups"] as? [[String: Any]]
        #expect(groups?.map { $0["name"] as? String } == ["conv", "linear"])
        let lr = (groups?.first?["hyperparameters"] as? [String: Any])?["lr"] as? [String: Any]
        #expect(lr?["value"] as? Double == 0.01)
        #expect(lr?["default"] as? Bool == false)
    }

    @Test func explainSaysWhichSelectorMatched() throws {
        let run = try LRSBinary.run(["check", "--explain", "0.bias", "samples/seed3.lrs"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("passed group 'large_weights' (line 4)"))
        #expect(run.stdout.contains("passed group 'weights' (line 5)"))
        #expect(run.stdout.contains("taken by group 'biases' (line 6): '\"*.bias\"' matches"))
    }

    @Test func overridesReplaceLets() throws {
        let run = try LRSBinary.run(["check", "-D", "base_lr=0.5", "samples/layerwise_decay.lrs"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("group decay.head (adamw)"))
        #expect(run.stdout.contains("lr                      0.5\n"))
        let bad = try LRSBinary.run(["check", "-D", "nope=1", "samples/seed1.lrs"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("error: -D nope: the script has no 'let nope'"))
    }

    @Test func hostileFilesGetDiagnosticsNotCrashes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrs-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let cases: [(String, [UInt8])] = [
            ("parens.lrs", Array(("let a = " + String(repeating: "(", count: 400_000)).utf8)),
            ("closed.lrs", Array(("let a = " + String(repeating: "(", count: 200_000) + "1" + String(repeating: ")", count: 200_000)).utf8)),
            ("bytes.lrs", [0xFF, 0x00, 0xC3, 0x28, 0x22]),
            ("numbers.lrs", Array("model < linear 99999999999999999999 1e999 >\n".utf8)),
            ("open.lrs", Array("model < linear 3 3".utf8)),
        ]
        for (name, bytes) in cases {
            try Data(bytes).write(to: directory.appendingPathComponent(name))
            let run = try LRSBinary.run(["check", name], in: directory.path)
            #expect(run.status == 1, "\(name)")
            #expect(run.stderr.hasPrefix("\(name):"), "\(name): \(run.stderr.prefix(200))")
        }
    }

    @Test func tenThousandLayersCheck() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lrs-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var text = "input 8\nmodel <\n"
        for i in 0..<10_000 { text += i % 2 == 0 ? "  linear 8 8\n" : "  relu\n" }
        text += ">\noptimizer adam\ngroup all each layer lr 0.001 * 0.99^(layers - 1 - layer)\n"
        try Data(text.utf8).write(to: directory.appendingPathComponent("big.lrs"))
        let run = try LRSBinary.run(["check", "--format", "json", "big.lrs"], in: directory.path)
        #expect(run.status == 0, "\(run.stderr.prefix(300))")
        let hasLastGroup = run.stdout.contains("\"name\": \"all.9998\"")
        #expect(hasLastGroup)
    }
}
