import Foundation
import Testing

/// The REPL as a user meets it: the real binary on a pseudo-terminal (tmux).
@Suite(.enabled(if: ReplTerminal.available, "tmux is not installed: the REPL's terminal tests are skipped"))
struct ReplTerminalTests {
    static let setup = """
        seed 1
        model < enc: linear 4 8; relu; head: linear 8 3 >
        optimizer sgd
        group enc lr 0.1 as encoder_group
        group head lr 0.01 as head_group
        data synthetic samples 400000 classes 3
        train epochs 1 batch 4
        """

    @Test func typingASetupLineByLineThenStepping() {
        let terminal = ReplTerminal()
        defer { terminal.stop() }
        terminal.start()
        #expect(terminal.waitFor("lrs> ").ok)
        terminal.type("seed 2")
        terminal.type("model <")
        #expect(terminal.waitFor("...> ").ok, "a model block continues under the continuation prompt")
        terminal.type("  a: linear 4 8")
        terminal.type("  relu")
        terminal.type("  b: linear 8 3")
        terminal.type(">")
        terminal.type("group a lr 0.5")
        #expect(terminal.waitFor("setup incomplete").ok)
        terminal.type("group b lr 0.05")
        terminal.type("data synthetic samples 64 classes 3")
        terminal.type("train epochs 1 batch 8")
        #expect(terminal.waitFor("epoch 1, step 8").ok)
        terminal.type("step 3")
        #expect(terminal.waitFor("epoch 1, step 11").ok)
        terminal.type("show lr")
        let shown = terminal.waitFor("a      0.5")
        #expect(shown.ok, "\(shown.screen)")
        #expect(shown.screen.contains("b      0.05"))
        terminal.type("quit")
        #expect(terminal.waitFor(timeout: 10) { _ in terminal.exited() }.ok)
    }

    @Test func errorThenWorkingCommandWithStateUnchanged() throws {
        let terminal = ReplTerminal()
        defer { terminal.stop() }
        try Self.setup.write(toFile: terminal.directory + "/setup.lrs", atomically: true, encoding: .utf8)
        terminal.start(["repl", "setup.lrs"])
        #expect(terminal.waitFor("lrs> ").ok)
        terminal.type("step 2")
        #expect(terminal.waitFor("epoch 0, step 2").ok)
        terminal.type("group nowhere lr 1")
        let error = terminal.waitFor("error: 'nowhere'")
        #expect(error.ok, "\(error.screen)")
        // The second line typed (the file given on the command line is not a line of input).
        #expect(error.screen.contains("<repl>:2:7"))
        terminal.type("show lr")
        let shown = terminal.waitFor("head_group     0.01")
        #expect(shown.ok, "\(shown.screen)")
        #expect(shown.screen.components(separatedBy: "epoch 0, step 2").count - 1 == 2)
    }

    @Test func completesGroupAndParameterNames() throws {
        let terminal = ReplTerminal()
        defer { terminal.stop() }
        try Self.setup.write(toFile: terminal.directory + "/setup.lrs", atomically: true, encoding: .utf8)
        terminal.start(["repl", "setup.lrs"])
        #expect(terminal.waitFor("lrs> ").ok)
        terminal.type("show state enc", enter: false)
        terminal.key("Tab")
        #expect(terminal.waitFor("show state encoder_group").ok)
        terminal.key("Enter")
        #expect(terminal.waitFor("group encoder_group: sgd").ok)
        terminal.type("show param head.b", enter: false)
        terminal.key("Tab")
        #expect(terminal.waitFor("show param head.bias").ok)
        terminal.key("Enter")
        #expect(terminal.waitFor("head.bias shape 3").ok)
        terminal.type("load \"set", enter: false)
        terminal.key("Tab")
        #expect(terminal.waitFor("load \"setup.lrs").ok)
    }

    @Test func historyIsRecalledAfterARestart() {
        let first = ReplTerminal()
        defer { first.stop() }
        first.start()
        #expect(first.waitFor("lrs> ").ok)
        first.type("help plot")
        #expect(first.waitFor("plot lr [epochs N] draws").ok)
        first.key("C-d")
        #expect(first.waitFor(timeout: 10) { _ in first.exited() }.ok)

        let second = ReplTerminal(directory: first.directory, dataHome: first.dataHome)
        defer { second.stop() }
        second.start()
        #expect(second.waitFor("lrs> ").ok)
        second.key("Up")
        #expect(second.waitFor("lrs> help plot").ok)
        second.key("Enter")
        #expect(second.waitFor("plot lr [epochs N] draws").ok)
    }

    @Test func ctrlCStopsALongEpochAndNeverEndsTheSession() throws {
        let terminal = ReplTerminal()
        defer { terminal.stop() }
        try Self.setup.write(toFile: terminal.directory + "/setup.lrs", atomically: true, encoding: .utf8)
        terminal.start(["repl", "setup.lrs"])
        #expect(terminal.waitFor("lrs> ").ok)
        // At the prompt Ctrl-C clears the line.
        terminal.type("show gro", enter: false)
        terminal.key("C-c")
        #expect(terminal.waitFor("^C").ok)
        // At the continuation prompt it abandons the whole entry.
        terminal.type("model <")
        #expect(terminal.waitFor("...> ").ok)
        terminal.type("x: linear 4", enter: false)
        terminal.key("C-c")
        #expect(terminal.waitFor("^C", count: 2).ok)
        terminal.type("show model")
        let model = terminal.waitFor("total parameters: 67")
        #expect(model.ok, "\(model.screen)")
        // 100000 batches: far longer than the test waits.
        terminal.type("epoch")
        usleep(700_000)
        terminal.key("C-c")
        let stopped = terminal.waitFor("interrupted: epoch 0, step ")
        #expect(stopped.ok, "\(stopped.screen)")
        terminal.type("show lr")
        #expect(terminal.waitFor("encoder_group  0.1").ok)
        #expect(!terminal.exited())
    }
}
