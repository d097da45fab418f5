import Foundation

/// A child process started with posix_spawn: its output to a file, its input from
/// /dev/null, no signal blocked, and a thread that waits for its end.
///
/// Not Foundation's `Process`: on Linux that starts children with the spawning thread's
/// signal mask (a run that cannot be stopped) and notices their end tens to hundreds of
/// milliseconds late, which a grid of short runs pays at every start.
final class ChildProcess: @unchecked Sendable {
    /// How a child ended.
    enum Ending: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// posix_spawn refused: no such program, no room for a process, an unwritable log.
    struct StartError: Error, CustomStringConvertible {
        let executable: String
        let reason: String
        var description: String { "cannot start '\(executable)': \(reason)" }
    }

    let pid: pid_t
    private let lock = NSLock()
    private var ending: Ending?

    /// Starts `executable` with `arguments` (argv[0] is added), the environment given,
    /// standard output and error appended to `log`. `whenDone` runs on the waiter thread.
    init(executable: String, arguments: [String], environment: [String: String], log: String,
         whenDone: @escaping @Sendable () -> Void) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        // Handlers are reset by exec anyway; ignored signals are not, so reset those too.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in envp { free(p) } }
        var spawned: pid_t = 0
        let status = posix_spawn(&spawned, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw StartError(executable: executable, reason: String(cString: strerror(status)))
        }
        let pid = spawned
        self.pid = pid
        let waiter = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
            let signal = raw & 0x7f
            let ended: Ending = signal == 0 ? .exited((raw >> 8) & 0xff) : .signalled(signal)
            lock.lock()
            ending = ended
            lock.unlock()
            whenDone()
        }
        waiter.start()
    }

    /// How it ended; nil while it runs.
    var ended: Ending? {
        lock.lock()
        defer { lock.unlock() }
        return ending
    }

    /// Asks it to stop (SIGTERM), unless it already has.
    func terminate() {
        lock.lock()
        defer { lock.unlock() }
        if ending == nil { kill(pid, SIGTERM) }
    }
}
