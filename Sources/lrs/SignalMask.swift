import Foundation

/// The signal mask lrs starts with.
enum SignalMask {
    /// Unblocks every signal. Foundation's `Process` on Linux starts its children with the
    /// spawning thread's mask, which in test harnesses and some launchers blocks SIGINT and
    /// SIGTERM: such an lrs would ignore Ctrl-C, and a batch could neither be stopped nor
    /// stop its own runs.
    static func unblockAll() {
        var none = sigset_t()
        sigemptyset(&none)
        sigprocmask(SIG_SETMASK, &none, nil)
    }
}
