import Foundation
import Testing
import TestSupport

/// `lrs` under an address-space limit (`ulimit -v`, as `prlimit --as`): what the guard
/// accepts runs, and what cannot fit is refused before it is allocated, never a trap.
@Suite struct MemoryLimitTests {
    /// Runs `lrs ARGS` under `ulimit -v KIB` in `directory`, killed after `seconds`.
    func runLimited(_ arguments: [String], kib: Int, in directory: String, seconds: Double = 120)
        throws -> (status: Int32, stderr: String, timedOut: Bool) {
        let result = try ProcessRunner.run("/bin/sh", ["-c", "ulimit -v \(kib) && exec \"$0\" \"$@\"", LRSBinary.path] + arguments,
                                           in: directory, timeout: seconds)
        return (result.status, result.stderr, result.timedOut)
    }

    func workspace(_ script: String) throws -> String {
        let dir = NSTemporaryDirectory() + "lrs-limit-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try script.write(toFile: dir + "/g.lrs", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func aModelBeyondTheAddressSpaceLimitIsRefusedAtItsStatement() throws {
        // 16384 x 16384 with Adam: 4 GiB of parameters, gradients and state, under 2 GiB.
        let dir = try workspace("""
            input 16384
            model < linear 16384 16384 >
            optimizer adam
            data synthetic samples 64
            train epochs 1 batch 32
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try runLimited(["run", "g.lrs"], kib: 2 << 20, in: dir)
        #expect(!result.timedOut)
        #expect(result.status == 1)
        #expect(result.stderr.contains("g.lrs:2:1: error: the run needs 4.0 GiB of memory"), "\(result.stderr)")
        #expect(result.stderr.contains("(the address-space limit)"))
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func hugeSyntheticDataIsRefusedAtTheDataStatement() throws {
        let dir = try workspace("""
            input 20
            model < linear 20 10 >
            optimizer sgd
            data synthetic samples 999999999
            train epochs 1
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try runLimited(["run", "g.lrs"], kib: 2 << 20, in: dir)
        #expect(!result.timedOut)
        #expect(result.status == 1)
        #expect(result.stderr.contains("g.lrs:4:1: error: the run needs 78.2 GiB of memory"), "\(result.stderr)")
    }

    @Test func whatFitsRunsUnderTheSameLimit() throws {
        let dir = try workspace("""
            seed 1
            input 64
            model < linear 64 32; relu; linear 32 10 >
            optimizer adam lr 0.01
            group linear where mean(abs(param)) > 0 lr 0.02 as big
            group rest
            data synthetic samples 256
            train epochs 2 batch 32
            save "w.safetensors"
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try runLimited(["run", "g.lrs", "--quiet"], kib: 2 << 20, in: dir)
        #expect(!result.timedOut)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/w.safetensors"))
    }
}
