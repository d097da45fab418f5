import LRSFiles
import Foundation
import LRSEngine
import Testing
import TestSupport

/// `lrs schedule`: the steps per epoch it shows by default, and how it says where they came from.
@Suite struct ScheduleCommandTests {
    /// Runs `lrs ARGS` in `directory`, killed after `timeout` seconds.
    static func lrs(_ arguments: [String], in directory: String, timeout: Double = 60) throws -> ProcessResult {
        try LRSBinary.run(arguments, in: directory, timeout: timeout)
    }

    /// A directory with `s.lrs` (80 samples in x.npy, split 0.25 -> 60, batch 16 -> 4 steps
    /// per epoch, a per-step linear warm-up over 8 steps).
    static func scriptDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "lrs-schedule-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try AtomicFile.write(NpyArray.serialize(shape: [80, 2], floats: Array(repeating: 0.25, count: 160)), to: directory + "/x.npy")
        try AtomicFile.write(NpyArray.serialize(shape: [80], int64s: (0..<80).map { Int64($0 % 3) }), to: directory + "/y.npy")
        try AtomicFile.write(text: """
            model < linear 2 3 >
            optimizer sgd lr 0.1
            schedule all linear start_factor 0.5 total_iters 8 per step
            data npy "x.npy" "y.npy"
            split 0.25
            train epochs 3 batch 16

            """, to: directory + "/s.lrs")
        return directory
    }

    @Test func defaultStepsPerEpochAreTheScriptsAndANoteSaysWhy() throws {
        let directory = try Self.scriptDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let csv = try Self.lrs(["schedule", "s.lrs", "--format", "csv"], in: directory)
        #expect(csv.status == 0)
        let rows = csv.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 12)  // 3 epochs x 4 steps, one group
        #expect(rows.last?.hasPrefix("2,11,all,") == true)
        #expect(rows.dropFirst(4).first == "1,4,all,0.075")  // epoch 1 starts 4 steps into the 8-step warm-up
        #expect(csv.stderr == "s.lrs: note: 4 optimizer steps per epoch, as 'lrs run' takes them: 'x.npy' holds 80 "
                + "samples, 60 after 'split 0.25', in batches of 16 (--steps-per-epoch to show another number)\n")
        let table = try Self.lrs(["schedule", "s.lrs"], in: directory)
        #expect(table.status == 0 && table.stderr == csv.stderr)
        #expect(table.stdout.hasPrefix("epoch  step"))  // the rate moves within epochs: a row per step
    }

    @Test func anExplicitFlagWinsWithoutANote() throws {
        let directory = try Self.scriptDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try Self.lrs(["schedule", "s.lrs", "--format", "csv", "--steps-per-epoch", "2"], in: directory)
        #expect(run.status == 0 && run.stderr.isEmpty)
        #expect(run.stdout.split(separator: "\n").count == 1 + 6)
    }

    @Test func unreadableDataFallsBackToOneStepAndSaysSo() throws {
        let directory = try Self.scriptDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try AtomicFile.write(text: "garbage", to: directory + "/x.npy")
        let run = try Self.lrs(["schedule", "s.lrs", "--format", "csv"], in: directory)
        #expect(run.status == 0)
        #expect(run.stdout.split(separator: "\n").count == 1 + 3)
        #expect(run.stderr.contains("note: showing 1 optimizer step per epoch: cannot count the training samples ("))
        #expect(run.stderr.contains("give --steps-per-epoch"))
    }
}
