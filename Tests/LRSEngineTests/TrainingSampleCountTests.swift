import LRSFiles
import Foundation
import LRSLanguage
import Testing
import TestSupport
@testable import LRSEngine

/// `lrs schedule`'s default steps per epoch, told from file headers and row counts, must be
/// the number `lrs run` takes after loading the data.
@Suite struct TrainingSampleCountTests {
    /// The script's count, and the steps per epoch of the data `lrs run` loads.
    func counts(_ body: String, files: [String: [UInt8]]) throws -> (TrainingSampleCount, Int) {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, bytes) in files { try AtomicFile.write(bytes, to: directory + "/" + name) }
        let source = SourceFile(path: directory + "/s.lrs", text: "model < linear 2 3 >\noptimizer sgd\n" + body)
        let script = try #require(Checker.check(source).script)
        let count = try #require(TrainingSampleCount.of(script)).get()
        let data = try #require(try RunData.load(script).get())
        return (count, Trainer.stepsPerEpoch(samples: data.training.count, batch: script.train?.batch ?? 32))
    }

    static func npy(_ rows: Int, width: Int) -> [UInt8] {
        NpyArray.serialize(shape: [rows, width], floats: Array(repeating: 0.5, count: rows * width))
    }

    static func labels(_ rows: Int) -> [UInt8] {
        NpyArray.serialize(shape: [rows], int64s: (0..<rows).map { Int64($0 % 3) })
    }

    @Test func npyWithSplitAsRunTakesIt() throws {
        let files = ["x.npy": Self.npy(83, width: 2), "y.npy": Self.labels(83)]
        let (count, run) = try counts("data npy \"x.npy\" \"y.npy\"\nsplit 0.25\ntrain epochs 2 batch 16\n", files: files)
        // 83 samples, round(20.75) = 21 validate, 62 train in batches of 16: 4 steps.
        #expect(count.stepsPerEpoch == 4 && run == 4)
        #expect(count.samples == 62)
        #expect(count.origin == "'x.npy' holds 83 samples, 62 after 'split 0.25'")
    }

    @Test func csvRowsWithAndWithoutHeaderAsRunTakesThem() throws {
        let texts = ["a,b,label\n1,2,0\n\n3,4,1\n5,6,2\n   \n7,8,0\n",  // guessed header, blank lines
                     "1,2,0\n3,4,1\r\n5,6,2\n",                        // no header, CRLF
                     "a,b,label\n1,2,0\n3,4,1\n"]
        for (text, expected) in zip(texts, [4, 3, 2]) {
            let (count, run) = try counts("data csv \"d.csv\"\ntrain batch 1\n", files: ["d.csv": Array(text.utf8)])
            #expect(count.samples == expected && count.stepsPerEpoch == run, "\(text)")
        }
        let (headed, _) = try counts("data csv \"d.csv\" header true\ntrain batch 2\n", files: ["d.csv": Array("1,2,0\n3,4,1\n5,6,0\n".utf8)])
        #expect(headed.samples == 2 && headed.stepsPerEpoch == 1)
        #expect(headed.origin == "'d.csv' holds 2 data rows")
    }

    @Test func syntheticSamplesAndItsDefault() throws {
        let (given, run) = try counts("data synthetic samples 2560 classes 3\ntrain batch 64\n", files: [:])
        #expect(given.stepsPerEpoch == 40 && run == 40)
        #expect(given.origin == "'synthetic' makes 2560 samples")
        let (unset, runUnset) = try counts("data synthetic classes 3\ntrain batch 64\n", files: [:])
        #expect(unset.samples == 1000 && unset.stepsPerEpoch == runUnset)
    }

    @Test func unreadableDataIsAProblemNotACrash() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(Array("not an npy file".utf8), to: directory + "/x.npy")
        try AtomicFile.write(Self.labels(3), to: directory + "/y.npy")
        let text = "model < linear 2 3 >\noptimizer sgd\ndata npy \"x.npy\" \"y.npy\"\ntrain batch 4\n"
        let script = try #require(Checker.check(SourceFile(path: directory + "/s.lrs", text: text)).script)
        guard case .failure(let problem)? = TrainingSampleCount.of(script) else {
            Issue.record("a corrupt x.npy gave a count")
            return
        }
        #expect(problem.reason.contains("not a .npy file"))
        let noTrain = try #require(Checker.check(SourceFile(path: directory + "/t.lrs",
                                                            text: "model < linear 2 3 >\ndata synthetic\n")).script)
        #expect(TrainingSampleCount.of(noTrain) == nil)
    }
}
