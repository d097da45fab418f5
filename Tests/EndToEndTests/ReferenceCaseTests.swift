import LRSFiles
import Foundation
import LRSEngine
import Testing
import TestSupport

/// The PyTorch reference cases, checked the way shared/reference/check.py checks them:
/// `lrs schedule` against schedule.csv, and for training cases `lrs run` against trace.jsonl
/// and final.safetensors, within each case's tolerances. Two folders of cases:
/// Tests/Fixtures/reference (the visible cases, copied from shared/reference) and
/// Tests/Fixtures/reference-own (the project's own training cases, made by its make_cases.py
/// with shared/reference/refgen.py: every optimizer kind, layer and schedule).
@Suite struct ReferenceCaseTests {
    static let folders = ["reference", "reference-own"]
    /// Cases as `FOLDER/NAME`.
    static let caseNames: [String] = folders.flatMap { folder in
        let root = LRSBinary.fixture(folder)
        return ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.fileExists(atPath: root + "/" + $0 + "/expected.json") }
            .sorted()
            .map { folder + "/" + $0 }
    }

    struct Expected: Decodable {
        struct Tolerances: Decodable {
            let lr_rel: Double
            let lr_abs: Double?
            let loss_rel: Double?
            let param_rel: Double?
        }
        let kind: String
        let epochs: Int
        let steps_per_epoch: Int
        let tolerances: Tolerances
        let check_schedule_command: Bool?
    }

    struct TraceLine: Decodable {
        let epoch: Int
        let step: Int
        let loss: Double
        let lr: [String: Double]
    }

    @Test func everyCaseIsPresent() {
        #expect(Self.caseNames.filter { $0.hasPrefix("reference/") }.count >= 10)
        #expect(Self.caseNames.filter { $0.hasPrefix("reference-own/") }.count >= 32)
    }

    @Test(arguments: caseNames) func matchesPyTorch(_ name: String) throws {
        let source = LRSBinary.fixture(name)
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: source + "/expected.json")))
        let work = try LRSBinary.scratchCopy(of: source, excluding: ["expected.json", "schedule.csv", "trace.jsonl", "final.safetensors"])
        defer { try? FileManager.default.removeItem(atPath: work) }
        let tol = expected.tolerances

        if expected.check_schedule_command ?? true {
            let result = try LRSBinary.run(["schedule", "case.lrs", "--epochs", "\(expected.epochs)",
                                            "--steps-per-epoch", "\(expected.steps_per_epoch)", "--format", "csv"], in: work)
            try #require(result.status == 0, "lrs schedule failed: \(result.stderr)")
            let got = result.stdout.split(separator: "\n").map(String.init)
            let want = try String(contentsOfFile: source + "/schedule.csv", encoding: .utf8).split(separator: "\n").map(String.init)
            try #require(got.count == want.count, "schedule rows: \(got.count), expected \(want.count)")
            #expect(got.first == "epoch,step,group,lr")
            for (g, w) in zip(got.dropFirst(), want.dropFirst()) {
                let gf = g.split(separator: ","), wf = w.split(separator: ",")
                try #require(gf.count == 4 && Array(gf.prefix(3)) == Array(wf.prefix(3)), "row \(g) vs \(w)")
                let (a, b) = (Double(gf[3]) ?? .nan, Double(wf[3]) ?? .nan)
                #expect(abs(a - b) <= max(tol.lr_rel * max(abs(a), abs(b)), tol.lr_abs ?? 0), "\(name): \(g) vs \(w)")
            }
        }
        guard expected.kind == "train" else { return }

        let run = try LRSBinary.run(["run", "case.lrs", "--trace", "trace.out.jsonl", "--quiet"], in: work)
        try #require(run.status == 0, "lrs run failed: \(run.stderr)")
        let decode = { (path: String) throws -> [TraceLine] in
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode(TraceLine.self, from: Data($0.utf8))
            }
        }
        let got = try decode(work + "/trace.out.jsonl")
        let want = try decode(source + "/trace.jsonl")
        try #require(got.count == want.count, "trace lines: \(got.count), expected \(want.count)")
        for (g, w) in zip(got, want) {
            #expect(g.epoch == w.epoch && g.step == w.step)
            #expect(abs(g.loss - w.loss) / max(abs(w.loss), 1e-30) <= tol.loss_rel ?? 1e-5, "\(name) step \(w.step): loss \(g.loss) vs \(w.loss)")
            #expect(Set(g.lr.keys) == Set(w.lr.keys))
            for (group, rate) in w.lr {
                #expect(abs((g.lr[group] ?? .nan) - rate) <= tol.lr_rel * abs(rate), "\(name) step \(w.step) group \(group)")
            }
        }
        let out = try SafetensorsFile.read(path: work + "/out.safetensors")
        let final = try SafetensorsFile.read(path: source + "/final.safetensors")
        #expect(Set(out.names.filter { !$0.hasPrefix("optimizer.") }) == Set(final.names))
        for tensorName in final.names {
            let e = try #require(final[tensorName]), g = try #require(out[tensorName])
            #expect(g.shape == e.shape, "\(tensorName) shape")
            if e.type == .i64 {
                #expect(g.int64s == e.int64s, "\(tensorName)")
                continue
            }
            let (a, b) = (g.doubles, e.doubles)
            let diff = zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let norm = b.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(diff / max(norm, 1e-30) <= tol.param_rel ?? 1e-5, "\(name): tensor \(tensorName) rel err \(diff / norm)")
        }
    }
}
