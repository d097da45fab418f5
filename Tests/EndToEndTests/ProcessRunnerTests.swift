import Foundation
import Testing
import TestSupport

/// The test runner's time limit ends what a late child started, even a worker in a session
/// of its own (as torchrun starts its workers), so no test leaves processes behind.
@Suite struct ProcessRunnerTests {
    /// Whether `pid` is a live process (not gone, not a zombie awaiting its reaper).
    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    @Test(.enabled(if: ProcessRunner.which("setsid") != nil, "needs setsid (util-linux) to start a worker in a session of its own"))
    func aLateLauncherStopsItsWorkersInTheirOwnSessions() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lrs-runner-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A launcher like torchrun: a worker in a new session, stopped when the launcher is
        // asked to stop (SIGTERM), and never otherwise.
        let launcher = "setsid sleep 300 & echo $! > worker.pid; trap 'kill $!; exit 143' TERM; while :; do sleep 0.1; done"
        let result = try ProcessRunner.run("/bin/sh", ["-c", launcher], in: directory, timeout: 1)
        #expect(result.timedOut)
        let text = try String(contentsOfFile: directory + "/worker.pid", encoding: .utf8)
        let worker = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)))
        var waited = 0
        while Self.isAlive(worker), waited < 100 { usleep(50_000); waited += 1 }
        #expect(!Self.isAlive(worker), "the worker \(worker) outlived its launcher's time limit")
        if Self.isAlive(worker) { kill(worker, SIGKILL) }
    }
}
