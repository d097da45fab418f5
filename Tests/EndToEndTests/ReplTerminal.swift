import Foundation
import TestSupport

/// The real `lrs` binary on a pseudo-terminal: a tmux server of its own (its own socket),
/// keys sent with send-keys, the screen read with capture-pane.
final class ReplTerminal {
    static let tmux: String? = ProcessRunner.which("tmux")
    static var available: Bool { tmux != nil }

    let socket = "lrs-test-" + UUID().uuidString
    let directory: String
    let dataHome: String

    /// A fresh working directory and history directory unless given.
    init(directory: String? = nil, dataHome: String? = nil) {
        let base = NSTemporaryDirectory() + "lrs-repl-" + UUID().uuidString
        self.directory = directory ?? base + "/work"
        self.dataHome = dataHome ?? base + "/data"
        try? FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        try? FileManager.default.createDirectory(atPath: self.dataHome, withIntermediateDirectories: true)
    }

    deinit { stop() }

    /// Starts `lrs ARGS...` in a 120x50 window.
    func start(_ arguments: [String] = []) {
        let quoted = ([LRSBinary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = "cd '\(directory)' && env XDG_DATA_HOME='\(dataHome)' NO_COLOR=1 TERM=xterm "
            + quoted.joined(separator: " ")
        tmux(["new-session", "-d", "-s", "repl", "-x", "120", "-y", "50", command])
        tmux(["set-option", "-t", "repl", "remain-on-exit", "on"])
    }

    /// Kills this test's tmux server (and the REPL in it).
    func stop() {
        tmux(["kill-server"])
    }

    /// Types text literally, then Enter unless told otherwise.
    func type(_ text: String, enter: Bool = true) {
        if !text.isEmpty { tmux(["send-keys", "-t", "repl", "-l", text]) }
        if enter { key("Enter") }
    }

    /// A named key: Enter, Tab, Up, C-c, C-d.
    func key(_ name: String) {
        tmux(["send-keys", "-t", "repl", name])
    }

    /// The screen, wrapped lines joined.
    func screen() -> String {
        tmux(["capture-pane", "-p", "-J", "-t", "repl", "-S", "-200"])
    }

    /// Polls the screen until `predicate` holds or `timeout` passes; the last screen.
    @discardableResult
    func waitFor(timeout: Double = 15, _ predicate: (String) -> Bool) -> (ok: Bool, screen: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = screen()
            if predicate(last) { return (true, last) }
            usleep(50_000)
        }
        return (false, last)
    }

    /// Waits until `text` appears `count` times on the screen.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, timeout: Double = 15) -> (ok: Bool, screen: String) {
        waitFor(timeout: timeout) { $0.components(separatedBy: text).count - 1 >= count }
    }

    /// Whether the pane's process has ended.
    func exited() -> Bool {
        tmux(["display-message", "-p", "-t", "repl", "#{pane_dead}"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1"
    }

    /// Runs a tmux command and returns what it prints (the server that `new-session` starts
    /// outlives it).
    @discardableResult
    private func tmux(_ arguments: [String]) -> String {
        guard let tmux = Self.tmux else { return "" }
        return (try? ProcessRunner.run(tmux, ["-L", socket, "-f", "/dev/null"] + arguments, timeout: 30))?.stdout ?? ""
    }
}
