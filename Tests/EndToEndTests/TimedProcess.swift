import Foundation

/// Runs the built `lrs` with a deadline: past it the process (and its process group, when it
/// has its own) is killed and the result says so, so a hang fails a test instead of the run.
/// Output goes to files, so nothing the process prints can block it.
final class TimedProcess {
    struct Result {
        /// The exit status, or 128 + the signal that ended it.
        let status: Int32
        let stdout: String
        let stderr: String
        let timedOut: Bool
        let seconds: Double
    }

    let pid: pid_t
    private let started = Date()
    private let outPath: String
    private let errPath: String
    private let inPath: String

    /// Starts `lrs ARGS...` in `directory` with `input` on standard input; with
    /// `ownGroup` in a process group of its own (whose id is its pid).
    init(_ arguments: [String], in directory: String, input: String = "", ownGroup: Bool = false) throws {
        let base = NSTemporaryDirectory() + "lrs-timed-" + UUID().uuidString
        outPath = base + ".out"
        errPath = base + ".err"
        inPath = base + ".in"
        try input.write(toFile: inPath, atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // SIGINT and SIGTERM at their defaults in the child, whatever the test runner set.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if ownGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        // The shell changes directory and becomes lrs (exec), so `pid` is lrs's.
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, LRSBinary.path] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        pid = child
    }

    /// Sends `signal` to the process's group (`ownGroup`) or to the process.
    func signal(_ signal: Int32, group: Bool) {
        kill(group ? -pid : pid, signal)
    }

    /// Waits for the end, at most `timeout` seconds (then kills it and its group).
    func wait(timeout: Double) -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        var raw: Int32 = 0
        var timedOut = false
        while waitpid(pid, &raw, WNOHANG) == 0 {
            if Date() > deadline {
                timedOut = true
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                waitpid(pid, &raw, 0)
                break
            }
            usleep(20_000)
        }
        let signalled = raw & 0x7f
        let status = signalled == 0 ? (raw >> 8) & 0xff : 128 + signalled
        let result = Result(status: status, stdout: read(outPath), stderr: read(errPath), timedOut: timedOut,
                            seconds: Date().timeIntervalSince(started))
        for path in [outPath, errPath, inPath] { try? FileManager.default.removeItem(atPath: path) }
        return result
    }

    private func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
