/// `help [TOPIC]`: short, with examples.
public enum ReplHelp {
    static let overview = """
        Type statements of the language, a line at a time (a model block or an open bracket
        continues on the next line), or a command:
          step [N]             N optimizer steps            step 10
          epoch [N]            N epochs                     epoch
          train [OPTIONS]      the script's training, or    train epochs 3 batch 64
                               a train statement of its own
          show WHAT            model, groups, lr, param NAME, grad NAME, state GROUP
          explain PARAM        which group took PARAM, and why
          plot lr [epochs N]   every group's rate as a chart
          undo                 back to before the last statement or step
          reset                an empty session
          load FILE            a script replaces the session
          save FILE            a checkpoint (weights, optimizer and schedule state)
          help TOPIC           statements, step, train, show, plot, undo, load, save, keys
          quit                 (or Ctrl-D)

        """

    static let topics: [String: String] = [
        "statements": """
            Statements are checked with everything typed before; an error leaves the
            session as it was. A second seed/input/model/optimizer/data/... replaces the
            first; changing the setup rebuilds the run from the script (epoch 0).
              model < linear 784 128; relu; linear 128 10 >
              optimizer adam
              group "*.bias" lr 0.01 as biases
              schedule biases cosine 10

            """,
        "step": """
            step [N] takes N optimizer steps (batches), across epoch boundaries; epoch [N]
            runs N epochs (the rest of one in progress counts as one). Ctrl-C stops at the
            next batch boundary; step or epoch then continues from there.
              step 5
              epoch 2

            """,
        "train": """
            train alone runs the training of the script's train statement (a loaded
            file's): up to its epochs, with its batch and loss. train with options is a
            train statement of its own and replaces the script's; options not given take
            their defaults, as in a script. Both continue from where the run is.
              train
              train epochs 5 batch 8

            """,
        "show": """
              show model        layers, output shapes, parameter counts
              show groups       the resolved parameter groups
              show lr           the rate of every group now
              show param fc.weight
              show grad fc.weight
              show state conv   the optimizer state of a group

            """,
        "plot": """
            plot lr [epochs N] draws every group's learning rate over N epochs (default:
            the train statement's), one line per group, as wide as the window.
              plot lr epochs 20

            """,
        "undo": """
            undo goes back to before the last statement, step, epoch, train, load or
            reset (up to \(ReplSession.undoLimit) times), and says which it undid.

            """,
        "load": """
            load FILE replaces the session with a script: its declarations and its train
            settings are kept, and nothing runs (its show and save statements are
            skipped). Then train runs its training; step and epoch step through it.
            Relative paths then resolve beside the file.
              load samples/seed2.lrs
              train

            """,
        "save": """
            save FILE (or save "FILE") writes a checkpoint that lrs run --resume continues.
              save run.safetensors

            """,
        "keys": """
            Tab completes keywords, layer kinds, optimizers, schedules, hyperparameters,
            group and parameter names, and file paths inside quotes. Up and down recall
            history (kept across sessions). Ctrl-C clears the line, or stops training;
            Ctrl-D quits.

            """,
    ]

    /// The topics, for completion.
    public static var topicNames: [String] { topics.keys.sorted() }

    static func text(topic: String?) -> String {
        guard let topic else { return overview }
        let key = topic == "epoch" ? "step" : topic
        return topics[key] ?? "no help on '\(topic)'; topics: \(topics.keys.sorted().joined(separator: ", "))\n"
    }
}
