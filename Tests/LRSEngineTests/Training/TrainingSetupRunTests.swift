import Foundation
import LRSEngine
import LRSLanguage
import LRSOptim
import LRSRuntime
import LRSFiles
import Testing
import TestSupport

/// `accumulate` and `clip` in runs (section 15): steps, trace lines, what accumulation
/// equals, resuming, and clip_grad_norm_'s arithmetic.
@Suite struct TrainingSetupRunTests {
    static func script(samples: Int, batch: Int, epochs: Int = 2, extra: String = "", checkpoint: String = "") -> String {
        """
        seed 4
        input 5
        model < linear 5 6; relu; linear 6 3 >
        optimizer sgd lr 0.1 momentum 0.9
        data synthetic samples \(samples) classes 3
        \(checkpoint)
        train epochs \(epochs) batch \(batch) shuffle false \(extra)
        save "final.safetensors"
        """
    }

    struct Line: Decodable {
        let epoch: Int
        let step: Int
        let loss: Double
    }

    /// Runs a script with a trace; the trace's lines and the final parameters.
    static func run(_ text: String, resume: String? = nil, in dir: String = Fixtures.temporaryDirectory())
        throws -> (lines: [Line], final: [String: [Double]], dir: String) {
        var options = ScriptRun.Options()
        options.tracePath = dir + "/trace.jsonl"
        options.resumePath = resume
        let (_, diagnostics) = ScriptRunner.run(text, in: dir, options: options)
        try #require(diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let lines = try String(contentsOfFile: dir + "/trace.jsonl", encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(Line.self, from: Data($0.utf8))
        }
        let file = try SafetensorsFile.read(path: dir + "/final.safetensors")
        var final: [String: [Double]] = [:]
        for name in file.names where !name.hasPrefix("optimizer.") { final[name] = file[name]?.doubles }
        return (lines, final, dir)
    }

    @Test func theLastShortRunStillSteps() throws {
        // 36 samples in batches of 8: 5 batches (the last of 4), in runs of 2: 2, 2, 1.
        let result = try Self.run(Self.script(samples: 36, batch: 8, extra: "accumulate 2"))
        defer { try? FileManager.default.removeItem(atPath: result.dir) }
        #expect(result.lines.map(\.step) == Array(0..<6))
        #expect(result.lines.map(\.epoch) == [0, 0, 0, 1, 1, 1])
    }

    @Test func accumulatingEqualBatchesIsOneBigBatch() throws {
        // Each of K equal batches' mean loss divided by K sums to the mean over all K x B
        // samples: the same gradients, steps and losses as batches of K x B.
        let small = try Self.run(Self.script(samples: 48, batch: 4, extra: "accumulate 3"))
        let big = try Self.run(Self.script(samples: 48, batch: 12))
        defer {
            try? FileManager.default.removeItem(atPath: small.dir)
            try? FileManager.default.removeItem(atPath: big.dir)
        }
        #expect(small.lines.count == 8 && big.lines.count == 8)
        for (a, b) in zip(small.lines, big.lines) {
            #expect(abs(a.loss - b.loss) <= 1e-5 * abs(b.loss), "step \(a.step)")
        }
        for (name, values) in big.final {
            let other = try #require(small.final[name])
            let diff = zip(values, other).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            let norm = values.map { $0 * $0 }.reduce(0, +).squareRoot()
            #expect(diff <= 1e-5 * norm, "\(name)")
        }
    }

    @Test func clippingChangesTheRunOnlyWhenNormsExceedIt() throws {
        let plain = try Self.run(Self.script(samples: 40, batch: 8))
        let loose = try Self.run(Self.script(samples: 40, batch: 8, extra: "clip 1e6"))
        let tight = try Self.run(Self.script(samples: 40, batch: 8, extra: "clip 0.01"))
        defer { for r in [plain, loose, tight] { try? FileManager.default.removeItem(atPath: r.dir) } }
        #expect(loose.final == plain.final)
        #expect(tight.final != plain.final)
    }

    @Test func resumingFromACheckpointContinuesAnAccumulatingRun() throws {
        let checkpoint = "checkpoint every 1 epoch \"ckpt.safetensors\""
        let whole = try Self.run(Self.script(samples: 36, batch: 8, epochs: 3, extra: "accumulate 2 clip 0.5", checkpoint: checkpoint))
        defer { try? FileManager.default.removeItem(atPath: whole.dir) }
        // The checkpoint of epoch 3 is the last; stop after 1 epoch and resume instead.
        let first = try Self.run(Self.script(samples: 36, batch: 8, epochs: 1, extra: "accumulate 2 clip 0.5", checkpoint: checkpoint))
        defer { try? FileManager.default.removeItem(atPath: first.dir) }
        let resumed = try Self.run(Self.script(samples: 36, batch: 8, epochs: 3, extra: "accumulate 2 clip 0.5"),
                                   resume: first.dir + "/ckpt.safetensors")
        defer { try? FileManager.default.removeItem(atPath: resumed.dir) }
        #expect(resumed.lines.map(\.step) == Array(3..<9))
        #expect(resumed.final == whole.final)
    }

    @Test func clipGradNormArithmetic() {
        let a = Tensor(zeros: [2]), b = Tensor(zeros: [1])
        a.data[0] = 3
        a.data[1] = 4
        b.data[0] = 12
        // Total norm sqrt(5^2 + 12^2) = 13; coefficient 1 / (13 + 1e-6) * 6.5.
        let total = GradientClipping.clip([a, b], maxNorm: 6.5)
        #expect(total == 13)
        let coefficient = (1 / (Float(13) + Float(1e-6))) * Float(6.5)
        #expect(a.data[0] == 3 * coefficient && a.data[1] == 4 * coefficient && b.data[0] == 12 * coefficient)
        // Within the bound nothing changes.
        let c = Tensor(zeros: [1])
        c.data[0] = 0.25
        #expect(GradientClipping.clip([c], maxNorm: 1) == 0.25)
        #expect(c.data[0] == 0.25)
    }

    @Test func sumOfSquaresOfALargeTensorMatchesTheDefinition() {
        // Large enough to be split across the cores.
        let n = (1 << 19) + 13
        let t = Tensor(zeros: [n])
        for i in 0..<n { t.data[i] = Float(i % 7) - 3 }
        let exact = (0..<n).reduce(0.0) { $0 + pow(Double($1 % 7) - 3, 2) }
        #expect(GradientClipping.clip([t], maxNorm: 1e30) == Float(exact.squareRoot()))
    }
}
