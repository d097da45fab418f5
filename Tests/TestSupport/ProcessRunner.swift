import Foundation

/// What a finished child process printed and how it ended.
public struct ProcessResult: Sendable {
    /// The exit status, or 128 + the signal that ended it (as a shell reports it).
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// The child ran past its time limit and was killed.
    public let timedOut: Bool
    /// The child ended by a signal (a crash, or the kill after its time limit), not by exiting.
    public let crashed: Bool
    /// Wall time from start to end.
    public let seconds: TimeInterval
}

/// The one way the tests start a process: input, output and errors go through files (a
/// child that fills one pipe while the test drains the other would block), SIGINT and
/// SIGTERM are at their defaults in the child whatever the test runner set, and every wait
/// has a time limit, after which the child (and its process group, when it has its own) is
/// killed and the result says so, so no test can hang CI.
public enum ProcessRunner {
    /// Long enough for a debug build's slowest end-to-end case on a loaded 2-core machine.
    public static let defaultTimeout: TimeInterval = 300

    /// Runs `executable ARGS...` in `directory` (the current one when nil) with `input` on
    /// standard input and `environment` over this process's (colour off), to its end or
    /// `timeout`.
    public static func run(_ executable: String, _ arguments: [String], in directory: String? = nil,
                           input: String = "", environment: [String: String] = [:],
                           timeout: TimeInterval = defaultTimeout) throws -> ProcessResult {
        // In a group of its own, so that the end of a late child reaches its children too.
        try start(executable, arguments, in: directory, input: input, environment: environment, ownGroup: true)
            .wait(timeout: timeout)
    }

    /// The first executable called `name` on the PATH.
    public static func which(_ name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { String($0) + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `executable ARGS...` as `run` does, for a test that signals it or watches its
    /// files while it runs; with `ownGroup` in a process group of its own (whose id is its pid).
    public static func start(_ executable: String, _ arguments: [String], in directory: String? = nil,
                             input: String = "", environment: [String: String] = [:],
                             ownGroup: Bool = false) throws -> RunningProcess {
        try RunningProcess(executable, arguments, in: directory ?? FileManager.default.currentDirectoryPath,
                           input: input, environment: environment, ownGroup: ownGroup)
    }
}

/// A child started by `ProcessRunner.start`; `wait(timeout:)` ends it.
public final class RunningProcess {
    public let pid: pid_t
    private let started = Date()
    private let scratch: String
    /// The raw wait status, once the child has been reaped.
    private var reaped: Int32?

    fileprivate init(_ executable: String, _ arguments: [String], in directory: String, input: String,
                     environment: [String: String], ownGroup: Bool) throws {
        scratch = NSTemporaryDirectory() + "lrs-process-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        try input.write(toFile: scratch + "/stdin", atomically: true, encoding: .utf8)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, scratch + "/stdin", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, scratch + "/stdout", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, scratch + "/stderr", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
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
        var merged = ProcessInfo.processInfo.environment
        merged["NO_COLOR"] = "1"
        for (name, value) in environment { merged[name] = value }
        // The shell changes directory and becomes the program (exec), so `pid` is the program's.
        let command = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, envp)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EIO) }
        pid = child
    }

    deinit {
        if reaped == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        try? FileManager.default.removeItem(atPath: scratch)
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool {
        if reaped != nil { return false }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid { reaped = raw }
        return reaped == nil
    }

    /// Sends `signal` to the child's process group (`group`, for a child started with
    /// `ownGroup`) or to the child.
    public func signal(_ signal: Int32, group: Bool = false) {
        kill(group ? -pid : pid, signal)
    }

    /// Ends the child's group: SIGTERM first, because a launcher such as torchrun starts its
    /// workers in sessions of their own, out of reach of a group kill, and stops them only
    /// when it is itself asked to stop; SIGKILL for whatever is still running after 10 s.
    private func terminateGroup() {
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        let grace = Date().addingTimeInterval(10)
        // The group outlives its leader while the launcher still stops its workers.
        while isRunning || kill(-pid, 0) == 0, Date() < grace { usleep(20_000) }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    /// Waits for the end, at most `timeout` seconds (then ends the child and its group).
    public func wait(timeout: TimeInterval = ProcessRunner.defaultTimeout) -> ProcessResult {
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while isRunning {
            if Date() > deadline {
                timedOut = true
                terminateGroup()
                if reaped == nil {
                    var raw: Int32 = 0
                    waitpid(pid, &raw, 0)
                    reaped = raw
                }
                break
            }
            usleep(5_000)
        }
        let raw = reaped ?? 0
        let signalled = raw & 0x7f
        let status = signalled == 0 ? (raw >> 8) & 0xff : 128 + signalled
        var stderr = read("stderr")
        if timedOut { stderr += "\n[test runner: killed after \(Int(timeout)) s]\n" }
        return ProcessResult(status: status, stdout: read("stdout"), stderr: stderr, timedOut: timedOut,
                             crashed: signalled != 0, seconds: Date().timeIntervalSince(started))
    }

    private func read(_ name: String) -> String {
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: scratch + "/" + name))) ?? Data(), as: UTF8.self)
    }
}
