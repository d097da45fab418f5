import Foundation
import Testing
import TestSupport

/// Ctrl-C on a batch: the terminal sends SIGINT to the whole process group, the batch and
/// its runs alike.
@Suite struct BatchInterruptTests {
    static let script = """
        let rate = 0.1
        seed 1
        model < linear 32 64; relu; linear 64 4 >
        optimizer sgd lr rate
        data synthetic samples 200000 classes 4
        train epochs 50 batch 32
        """

    @Test func ctrlCToTheGroupRecordsInterruptedStartsNothingAndExits130() throws {
        let dir = NSTemporaryDirectory() + "lrs-batch-int-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.script.write(toFile: dir + "/long.lrs", atomically: true, encoding: .utf8)
        let batch = try LRSBinary.start(["run", "long.lrs", "-D", "rate=0.1,0.2,0.3,0.4,0.5", "--jobs", "2", "--out", "out"],
                                        in: dir, ownGroup: true)
        // Wait until both first runs are training (each has written its log), then Ctrl-C.
        let deadline = Date().addingTimeInterval(60)
        func runDirectories() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/out")) ?? []).sorted()
        }
        while runDirectories().count < 2 || !runDirectories().allSatisfy({ name in
            ((try? FileManager.default.attributesOfItem(atPath: dir + "/out/" + name + "/log.txt"))?[.size] as? Int ?? 0) > 0
        }), Date() < deadline {
            usleep(50_000)
        }
        batch.signal(SIGINT, group: true)
        let result = batch.wait(timeout: 60)
        #expect(!result.timedOut)
        #expect(result.status == 130, "\(result.stdout)\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("long.lrs") }
        #expect(rows.filter { $0.contains("interrupted") }.count == 2, "\(result.stdout)")
        #expect(rows.filter { $0.contains("not run") }.count == 3, "\(result.stdout)")
        #expect(!result.stdout.contains("killed by signal"), "\(result.stdout)")
        // The queued runs were never started, not even for a moment.
        #expect(runDirectories().count == 2, "\(runDirectories())")
    }
}
