import Foundation
import LRSEngine
import Testing
import TestSupport

/// Batches of runs: `lrs run FILE -D NAME=V1,V2 ... --jobs N --results FILE`.
@Suite struct BatchTests {
    static let script = """
        let rate = 0.01
        let width = 16
        let epochs = 3
        input 64
        model < linear 64 width; relu; linear width 10 >
        optimizer sgd lr rate momentum 0.9
        data npy "digits_x.npy" "digits_y.npy"
        split 0.2
        train epochs epochs batch 32
        save "weights.safetensors"
        """

    func workspace() throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-batch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for name in ["digits_x.npy", "digits_y.npy"] {
            try FileManager.default.copyItem(atPath: LRSBinary.packageRoot.path + "/samples/data/" + name, toPath: dir + "/" + name)
        }
        try Self.script.write(toFile: dir + "/grid.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func runsAGridWithAFailingRunAndWritesEveryFormat() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for format in ["csv", "json", "md"] {
            let result = try LRSBinary.run(["run", "grid.lrs", "-D", "width=8,16", "-D", "rate=0.05,1e38,0.1",
                                            "--jobs", "2", "--results", "results.\(format)", "--out", "out-\(format)"], in: dir)
            // One run diverges: the batch says so (exit 1) but the others finish.
            #expect(result.status == 1, "\(result.stderr)")
            let text = try String(contentsOfFile: dir + "/results.\(format)", encoding: .utf8)
            switch format {
            case "csv":
                let lines = text.split(separator: "\n")
                #expect(lines.count == 7)
                #expect(lines[0] == "script,width,rate,final_loss,best_val_loss,best_val_acc,seconds,status,error")
                #expect(lines.filter { $0.contains(",ok,") }.count == 4)
                #expect(lines.filter { $0.contains(",failed,") && $0.contains("the loss is") }.count == 2)
                #expect(lines[2].hasPrefix("grid.lrs,8,1e38,"))
            case "json":
                let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
                #expect(rows?.count == 6)
                #expect(rows?.compactMap { $0["status"] as? String } == ["ok", "failed", "ok", "ok", "failed", "ok"])
            default:
                #expect(text.hasPrefix("| script | width | rate |"))
            }
            // Each run keeps its log, trace, summary and saved weights in its own directory.
            let runs = try FileManager.default.contentsOfDirectory(atPath: dir + "/out-\(format)").sorted()
            #expect(runs.count == 6)
            let first = dir + "/out-\(format)/" + runs[0]
            for file in ["log.txt", "trace.jsonl", "summary.json", "weights.safetensors"] {
                #expect(FileManager.default.fileExists(atPath: first + "/" + file), "\(file) in \(runs[0])")
            }
            #expect(!FileManager.default.fileExists(atPath: dir + "/weights.safetensors"))
        }
    }

    @Test func refusesAnUnknownNameBeforeAnythingRuns() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try LRSBinary.run(["run", "grid.lrs", "-D", "widht=8,16", "--out", "out"], in: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("no 'let widht'"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
        let bad = try LRSBinary.run(["run", "grid.lrs", "-D", "width=8,x"], in: dir)
        #expect(bad.status == 2)
    }

    @Test func stopsCleanlyOnSIGINTAndKeepsTheTable() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // In a group of its own, so a batch that does not stop is killed with its runs.
        let process = try LRSBinary.start(["run", "grid.lrs", "-D", "epochs=100000", "-D", "width=8,16,32", "--jobs", "2",
                                           "--results", "results.csv", "--out", "out"], in: dir, ownGroup: true)
        // Wait until two runs are under way, then press Ctrl-C.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let logs = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/out")) ?? []
            if logs.count >= 2 { break }
            usleep(20_000)
        }
        usleep(300_000)
        process.signal(SIGINT)
        let result = process.wait(timeout: 20)
        #expect(!result.timedOut, "lrs run did not stop within 20 s of SIGINT")
        #expect(result.status == 130, "interrupted, as a shell expects of Ctrl-C")
        let lines = try String(contentsOfFile: dir + "/results.csv", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.filter { $0.contains(",interrupted,") }.count == 2, "\(lines)")
        #expect(lines.filter { $0.hasSuffix(",not run,") }.count == 1, "\(lines)")
    }
}
