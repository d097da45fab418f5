extension Checker {
    /// `freeze ... until epoch N` must unfreeze inside the run: epochs are counted from 0,
    /// so N at or past `train epochs` would leave the parameters untrained while they sit
    /// in their groups. Without a `train` statement (the REPL, an exported module) the run's
    /// length is not known here and any positive N stands.
    mutating func checkUnfreezeEpochs() {
        guard let train else { return }
        for freeze in freezes {
            guard let epoch = freeze.untilEpoch, epoch >= train.epochs else { continue }
            diagnostics.error(.unfreezePastRun(epoch: epoch, epochs: train.epochs), at: freeze.untilRange ?? freeze.range,
                              notes: [.note(.runEpochsHere(train.epochs), at: train.range)])
        }
    }
}
