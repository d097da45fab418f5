import LRSFiles
import LRSLayers

/// Everything the front end, the checker and group resolution can say, with its values.
/// All wording is here, lower case, no trailing period, names in single quotes.
public enum DiagnosticCondition: Sendable, Equatable {
    // Lexical
    case invalidUTF8(UInt8)
    case nulByte
    /// `1_000`: with the number as it must be written.
    case digitSeparator(String, plain: String)
    /// `schedule cosine 10`: the schedule's name where the group's belongs.
    case missingScheduleGroup(schedule: String)
    case unexpectedCharacter(String)
    case unterminatedString
    case invalidEscape(String)
    case numberTooLarge(String)
    case malformedNumber(String)
    // Syntax
    case expected(String, found: String)
    case expectedClosing(String, opener: String, line: Int)
    case unknownStatement(String, suggestions: [String])
    case nestingTooDeep(limit: Int)
    case comparisonChain
    case tooManyErrors(Int)
    // Names and expressions
    case unknownName(String, suggestions: [String])
    case unknownFunction(String, suggestions: [String])
    case functionArity(String, expected: String, got: Int)
    case nameNotAllowed(String, context: String)
    /// A use of the run's length (`wsd`'s total) where nothing gives it.
    case runLengthUnknown(name: String, user: String, advice: String)
    case tensorNotAllowed(String)
    case tensorExpected(String)
    case duplicateLet(String)
    case previousDefinition(String)
    case overrideWithoutLet(String, suggestions: [String])
    /// A note: the grid points (`rate=-5, width=8`) of a batch where an error occurs, the
    /// first few, and how many more.
    case inGridPoints([String], more: Int)
    case valueNotFinite(String)
    case valueNotWhole(String, value: Double)
    case valueOutOfRange(String, value: Double, range: String)
    case valueType(String, expected: String)
    case stringNotAllowed
    case valueCount(String, expected: Int, got: Int)
    case duplicateStatement(String)
    case duplicateOption(String)
    // Model
    case missingModel
    case emptyModel
    case unknownLayer(String, suggestions: [String])
    case layerArgumentCount(String, expected: String, got: Int)
    case unknownLayerOption(String, layer: String, valid: [String])
    case duplicateLayerName(String)
    /// `residual < >`, `repeat 2 < >`: a block with nothing in it (its word).
    case emptyBlock(String)
    /// An option that has no default (`attention 64` without `heads`, `data text "F"`
    /// without `context`), and what takes it.
    case missingOption(String, of: String)
    /// `attention DIM heads H` where H does not divide DIM.
    case headsDoNotDivide(heads: Int, width: Int)
    /// An `embedding` that is not the model's first layer (or is inside a residual or repeat).
    case embeddingNotFirst
    /// More items than the checker expands once `repeat`s are.
    case tooManyModelItems(limit: Int)
    /// A layer that cannot take its input, worded by `ShapeFailure` (the runtime's wording too).
    case layerShape(ShapeFailure)
    case tooManyElements(String)
    case implicitFlatten(layer: String, shape: String, count: Int)
    case inferredInput(String)
    case inputNeeded(String)
    case inputNotUnique(String)
    /// `model from "FILE"`: a checkpoint that cannot be read, and why.
    case modelFile(String, reason: String)
    /// A layer kind as a selector of a model from a checkpoint, which has no kinds.
    case kindSelectorOnCheckpoint(String, suggestions: [String])
    /// A word that is no dotted segment of a checkpoint's names, with the nearest segments.
    case unknownNameSegment(String, suggestions: [String])
    /// A note: a selector word read as part of a `where` predicate, which extends as far as
    /// it can.
    case predicateTookSelector(String)
    /// `lrs run` (or the REPL's training) of a model from a checkpoint.
    case checkpointModelNotRunnable(String)
    // Optimizer and hyperparameters
    case missingOptimizer
    case unknownOptimizer(String, suggestions: [String])
    case unknownHyperparameter(String, kind: String, valid: [String], suggestions: [String])
    case negativeHyperparameter(String, value: Double)
    case betaOutOfRange(Double)
    case nesterovNeedsMomentum
    case adamwCoupledDecay
    case hyperparameterNotConstant(String, name: String)
    case constructorOnlyHyperparameter(String, kind: String, used: String)
    /// Muon's group holding parameters that are not matrices: their names and dimensions.
    case muonNeedsMatrices(group: String, parameters: [String], dimensions: [Int])
    // Groups and selectors
    case unknownSelectorWord(String, suggestions: [String])
    case unknownEach(String)
    case duplicateGroupName(String)
    case restInFreeze
    /// `freeze ... until epoch N` with N at or past the run's `epochs`: they would never train.
    case unfreezePastRun(epoch: Int, epochs: Int)
    /// The `train` statement that fixes the run's epochs.
    case runEpochsHere(Int)
    case unassignedParameter(String)
    /// A group left with no parameters: earlier groups took them, or `freeze` did (or both).
    case emptyGroup(String, takenBy: [String], frozen: Bool = false)
    /// A quoted glob that matches no parameter name, with the nearest names.
    case globMatchesNoParameter(String, nearest: [String])
    /// Where `freeze` took a group's parameters.
    case frozenHere
    case selectorMatchesNothing(String)
    case predicateSource(String)
    case expandedGroup(String)
    // Captures in globs (section 14)
    case captureUnclosed
    case captureEmpty
    case captureNotAName(String)
    case captureTwice(String)
    /// `{i}{j}`: the digits between them could be split anywhere.
    case capturesAdjacent(String)
    /// A capture named like a keyword, a `let` or a name the language gives a meaning.
    case captureNameTaken(String, what: String)
    case captureWithEach
    case tooManyCaptures(limit: Int)
    /// Both sides of an `and` bind the same name, possibly to two values.
    case captureBoundTwice(String)
    /// A hyperparameter reads a capture that the part of the selector that took this
    /// parameter does not bind.
    case captureUnbound(String, parameter: String)
    // Schedules
    case unknownSchedule(String, suggestions: [String])
    case unknownScheduleArgument(String, schedule: String, valid: [String], suggestions: [String])
    case missingScheduleArgument(String, schedule: String)
    case scheduleArgumentCount(String, expected: String, got: Int)
    /// A schedule names no group: the nearest names, or (none being near) every group when
    /// there are few.
    case unknownScheduleGroup(String, suggestions: [String], groups: [String] = [])
    case groupScheduledTwice(String)
    case previousSchedule(String)
    /// A second `weight_decay` (or `momentum`) schedule for a group.
    case hyperparameterScheduledTwice(String, group: String)
    case milestonesOutOfOrder(Int, after: Int)
    /// A part of `A until N then B until N then C` that no epoch reaches (B here, or A
    /// when the first milestone is 0).
    case scheduleNeverRuns(String, milestone: Int, first: Bool)
    case cyclicBaseAboveMax(base: Double, max: Double)
    case onecycleTooShort(totalSteps: Int, run: Int)
    case unknownPer(String)
    case plateauPerStep
    /// `cyclic`/`onecycle` cycle momentum, on a group whose kind has none to cycle.
    case momentumNotCycled(schedule: String, group: String, kind: String)
    /// A `weight_decay` or `momentum` schedule on a group whose kind lacks the hyperparameter.
    case hyperparameterNotScheduled(String, group: String, kind: String)
    /// A `weight_decay` or `momentum` schedule that would cycle momentum (cyclic, onecycle).
    case hyperparameterScheduleCyclesMomentum(String, schedule: String)
    /// A group whose momentum both a `momentum` schedule and its rate's schedule move.
    case momentumMovedTwice(group: String, schedule: String)
    // Statements
    case unknownOption(String, statement: String, valid: [String], suggestions: [String])
    case unknownDataSource(String, suggestions: [String])
    case dataFileCount(String, expected: Int, got: Int)
    case fileMissing(String)
    case fileUnreadable(String)
    case unknownShowTarget(String, suggestions: [String])
    /// A parameter name that names none; without a near one, the names there are (`names`),
    /// and the script they are in when it is not the one at hand (`lrs check --explain`).
    case unknownParameter(String, suggestions: [String], names: [String] = [], file: String? = nil)
    case unknownGroup(String, suggestions: [String], groups: [String] = [])
    /// `show state NAME`: the nearest groups, else all of them; and parameters NAME may mean.
    case unknownShowGroup(String, suggestions: [String], groups: [String], parameters: [String])
    case defaultOptimizer
    // Resources
    /// What a run needs, by part, against what the process can have (`limit` says which
    /// limit that is).
    case memoryTooLarge(needed: Int, available: Int, parts: [MemoryPart], limit: String)
    case initialValuesUnavailable(String, reason: String)
    // Running (reported at the statement that caused them)
    case dataFile(String, reason: String)
    /// A token id in a data file that a model starting with `embedding NUM DIM` cannot look
    /// up: not a whole number in 0..<NUM (`id` as the file holds it; sample and position from 0).
    case tokenIdOutOfRange(file: String, id: String, rows: Int, sample: Int, position: Int)
    /// The training set is empty: the data has no samples, or `split` left none.
    case noTrainingSamples(samples: Int, split: Double?)
    case stateFile(String, reason: String)
    /// A file the script writes (`save`, `checkpoint`) that cannot be written there.
    case outputUnwritable(String, reason: OutputProblem)
    case scheduleFailed(group: String, reason: String)
    /// A rate that a step is about to use is negative, NaN or infinite.
    case invalidRate(group: String, value: Double, epoch: Int, step: Int)
    /// A `weight_decay` or `momentum` schedule's value that is negative, NaN or infinite.
    case invalidScheduledValue(String, group: String, value: Double, epoch: Int, step: Int)
    case nonFiniteLoss(String, epoch: Int, step: Int, rates: String)
    case nonFiniteGradient(parameter: String, epoch: Int, step: Int, rates: String)
    /// `train` in a script with no `data` statement.
    case trainWithoutData
    /// The loss does not fit the data or the model (`lrs run`, at the `train` statement).
    case labelBeyondOutputs(classIndex: Int, outputs: Int)
    case crossEntropyOutputShape(String)
    /// Targets [N, T] (one class per position) against an output that is not [T, classes].
    case crossEntropySequenceShape(output: String, positions: Int)
    case crossEntropyNeedsLabels
    case mseTargetWidth(width: Int, outputs: Int)
    case mseNeedsFloatTargets(outputs: Int)
    case unknownLoss(String)
    /// A batch's class label outside the model's outputs (the runtime's `LabelError`).
    case targetOutOfRange(label: Int, classes: Int, sample: Int, position: Int?)
    /// A batchnorm that would see one value per channel in training (PyTorch refuses it).
    case batchNormSingleValue(layer: String, shape: String)
    case dataUnreadable(String)
    case unsupportedDataSource(String)
    /// `text "FILE" context T` on a file of fewer than T + 1 bytes (no sample).
    case textTooShort(String, bytes: Int, context: Int)
    /// Token-id data (`text`) for a model whose first layer is not an `embedding`.
    case textNeedsEmbedding
    /// `context T` of `text` data against another `input` of an embedding model.
    case textContextMismatch(context: Int, input: String)
    /// Data that are not token ids (`synthetic`) for a model that starts with an `embedding`.
    case dataNotTokenIds(String)
    /// A setup PyTorch cannot express faithfully (`lrs export`).
    case cannotExport(ExportProblem)
    /// `what`: "the rate", or the `weight_decay` / `momentum` a plateau schedule moves.
    case plateauHeldConstant(group: String, what: String = "the rate")
    case noTrainStatement(epochs: Int)
    case stepsPerEpochFromData(steps: Int, origin: String, batch: Int, accumulate: Int = 1)
    case stepsPerEpochUnknown(reason: String)
    case interrupted(epoch: Int, step: Int)
    /// `lrs run` stopped by Ctrl-C: where, and what it had saved.
    case runInterrupted(epoch: Int, step: Int, epochs: Int, checkpoint: String?, checkpointEpoch: Int, trace: String?)
    /// `lrs run` of a script without `train`.
    case nothingTrained(saved: [String])
    /// `--resume` from a checkpoint that already holds every epoch of the run.
    case runAlreadyComplete(epoch: Int, epochs: Int)


    /// The message text.
    public var message: String {
        switch self {
        case .invalidUTF8(let byte):
            return "invalid UTF-8 byte 0x\(String(byte, radix: 16, uppercase: true))"
        case .nulByte: return "NUL byte in source"
        case .digitSeparator(let written, let plain):
            return "digit separators are not allowed in numbers: write '\(clip(plain))', not '\(clip(written))'"
        case .missingScheduleGroup(let schedule):
            return "'schedule' needs the name of a group before '\(schedule)': write 'schedule GROUP \(schedule) ...' ('all' for every group)"
        case .unexpectedCharacter(let c):
            // A control character would disturb the terminal: name it by its code point.
            let invisible = c.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
            if invisible, let scalar = c.unicodeScalars.first {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                return "unexpected character U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
            return "unexpected character '\(c)'"
        case .unterminatedString: return "unterminated string"
        case .invalidEscape(let e): return "invalid escape '\\\(e)' in string; only '\\\"' and '\\\\' are allowed"
        case .numberTooLarge(let text): return "number '\(clip(text))' is too large"
        case .malformedNumber(let text): return "malformed number '\(clip(text))'"
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .expectedClosing(let what, let opener, let line):
            return "expected \(what) (to close \(opener) at line \(line))"
        case .unknownStatement(let word, let s): return "unknown statement '\(clip(word))'\(didYouMean(s))"
        case .nestingTooDeep(let limit): return "nested more than \(limit) levels deep"
        case .comparisonChain: return "comparisons do not chain; use 'and'"
        case .tooManyErrors(let n): return "too many errors (\(n)); stopping here"
        case .unknownName(let name, let s): return "unknown name '\(clip(name))'\(didYouMean(s))"
        case .unknownFunction(let name, let s): return "unknown function '\(clip(name))'\(didYouMean(s))"
        case .functionArity(let name, let expected, let got):
            return "'\(name)' takes \(expected), got \(got)"
        case .nameNotAllowed(let name, let context): return "'\(name)' cannot be used \(context)"
        case .runLengthUnknown(let name, let user, let advice): return "'\(user)' runs over '\(name)', which is not known: \(advice)"
        case .tensorNotAllowed(let what): return "\(what) is a tensor here; reduce it with mean, std, norm, min, max or sum"
        case .tensorExpected(let function): return "'\(function)' of one argument reduces a tensor; pass 'param' or 'abs(param)'"
        case .duplicateLet(let name): return "'\(name)' is already defined"
        case .previousDefinition(let name): return "'\(name)' was defined here"
        case .overrideWithoutLet(let name, let s): return "-D \(name): the script has no 'let \(name)'\(didYouMean(s))"
        case .inGridPoints(let points, let more):
            return (points.count + more == 1 ? "in the grid point " : "in the grid points ")
                + points.joined(separator: "; ") + (more > 0 ? " and \(more) more" : "")
        case .valueNotFinite(let what): return "\(what) is not a finite number"
        case .valueNotWhole(let what, let value): return "\(what) must be a whole number, got \(format(value))"
        case .valueOutOfRange(let what, let value, let range): return "\(what) must be \(range), got \(format(value))"
        case .valueType(let what, let expected): return "\(what) takes \(expected)"
        case .stringNotAllowed: return "a string cannot be used in an expression"
        case .valueCount(let what, let expected, let got):
            return "\(what) takes \(expected) value\(expected == 1 ? "" : "s"), got \(got)"
        case .duplicateStatement(let keyword): return "more than one '\(keyword)' statement"
        case .duplicateOption(let name): return "'\(name)' is given twice"
        case .missingModel: return "the script has no 'model' statement"
        case .emptyModel: return "the model has no layers"
        case .unknownLayer(let name, let s):
            return "unknown layer '\(clip(name))'" + (s.isEmpty ? "; the layers are \(quotedList(LayerKind.allCases.map(\.rawValue), conjunction: "and"))" : didYouMean(s))
        case .layerArgumentCount(let layer, let expected, let got):
            return "'\(layer)' takes \(expected), got \(got)"
        case .unknownLayerOption(let name, let layer, let valid):
            return valid.isEmpty ? "'\(layer)' takes no option '\(clip(name))'"
                : "unknown option '\(clip(name))' of '\(layer)'; it takes \(quotedList(valid))"
        case .duplicateLayerName(let name): return "more than one layer is named '\(name)'"
        case .emptyBlock(let word): return "the \(word == "sequence" ? "block" : "'\(word)'") has no items"
        case .missingOption(let name, let what): return "'\(what)' needs '\(name)'"
        case .headsDoNotDivide(let heads, let width):
            return "'heads' of 'attention' must divide its width \(width), got \(heads)"
        case .embeddingNotFirst:
            return "'embedding' takes integer ids, so it must be the model's first layer (outside any 'residual' or 'repeat')"
        case .tooManyModelItems(let limit): return "the model has more than \(limit) items once its 'repeat' blocks are expanded"
        case .layerShape(let failure): return failure.description
        case .tooManyElements(let what): return "\(what) has too many elements"
        case .implicitFlatten(let layer, let shape, let count):
            return "layer '\(layer)' flattens its input \(shape) to \(count) features"
        case .inferredInput(let shape): return "no 'input' statement; inferred input shape \(shape)"
        case .inputNeeded(let why): return "cannot infer the input shape (\(why)); add an 'input' statement"
        case .inputNotUnique(let shapes): return "the input shape is not unique (\(shapes)); add an 'input' statement"
        case .missingOptimizer: return "groups need an 'optimizer' statement"
        case .unknownOptimizer(let name, let s):
            return "unknown optimizer '\(clip(name))'" + (s.isEmpty ? "; the optimizers are \(quotedList(OptimizerKind.allCases.map(\.rawValue), conjunction: "and"))" : didYouMean(s))
        case .unknownHyperparameter(let name, let kind, let valid, let s):
            let hint = s.isEmpty ? "" : "did you mean \(quotedList(s))? "
            return "'\(kind)' has no hyperparameter '\(clip(name))'; \(hint)it takes \(quotedList(valid, conjunction: "and"))"
        case .negativeHyperparameter(let name, let value): return "'\(name)' must not be negative, got \(format(value))"
        case .betaOutOfRange(let value): return "betas must be in [0, 1), got \(format(value))"
        case .nesterovNeedsMomentum: return "nesterov momentum requires a momentum above 0 and zero dampening"
        case .adamwCoupledDecay:
            return "'adamw' always decouples its weight decay (PyTorch's AdamW is Adam with 'decoupled_weight_decay' true); "
                + "for weight decay added to the gradient use 'adam'"
        case .hyperparameterNotConstant(let name, let used):
            return "'\(name)' may not depend on '\(used)' here"
        case .constructorOnlyHyperparameter(let name, let kind, let used):
            return "PyTorch's \(kind) reads '\(name)' from the optimizer, not from its groups: "
                + "this group starts from \(used), the optimizer's value"
        case .muonNeedsMatrices(let group, let parameters, let dimensions):
            let shown = parameters.prefix(8).enumerated().map { i, name in
                "'\(name)' (\(i < dimensions.count ? dimensions[i] : 0)-D)"
            }
            let more = parameters.count > shown.count ? " and \(parameters.count - shown.count) more" : ""
            return "'muon' takes only 2-D parameters, but group '\(group)' holds \(shown.joined(separator: ", "))\(more); "
                + "select its matrices with 'where ndim == 2' and give the others a group of another optimizer"
        case .modelFile(let file, let reason): return "cannot read the model '\(clip(file))': \(reason)"
        case .kindSelectorOnCheckpoint(let word, let s):
            return "'\(word)' is a layer kind, and a model from a checkpoint has no layer kinds: "
                + "select its parameters by name, with a word that is a segment of their names or a quoted glob"
                + didYouMean(s)
        case .unknownNameSegment(let word, let s):
            return "'\(clip(word))' is no segment of any parameter name of the model\(didYouMean(s))"
        case .predicateTookSelector(let word):
            return "a 'where' predicate extends as far as it can, so '\(clip(word))' was read as part of it; "
                + "to combine selectors, parenthesise: '(SELECTOR where PREDICATE) and ...'"
        case .checkpointModelNotRunnable(let file):
            return "the model comes from the checkpoint '\(clip(file))', which lrs does not train: "
                + "it can check ('lrs check', '--explain'), schedule ('lrs schedule') and export "
                + "('lrs export --to pytorch') this setup for your own training code"
        case .unknownSelectorWord(let word, let s):
            return "'\(clip(word))' is neither a layer kind nor a layer name\(didYouMean(s))"
        case .unknownEach(let word): return "expected 'layer' or 'param' after 'each', found '\(clip(word))'"
        case .duplicateGroupName(let name): return "more than one group is named '\(name)'"
        case .restInFreeze: return "'rest' cannot be frozen; name the parameters to freeze"
        case .unfreezePastRun(let epoch, let epochs):
            return "'until epoch \(epoch)' is past the run, which has \(epochs) epoch\(epochs == 1 ? "" : "s") (0 to \(epochs - 1));"
                + " the parameters would never train: use an epoch below \(epochs), or a plain 'freeze'"
        case .runEpochsHere(let epochs): return "'train' runs \(epochs) epoch\(epochs == 1 ? "" : "s") here"
        case .unassignedParameter(let name):
            return "parameter '\(name)' is in no group and not frozen; add it to a group, or 'freeze' it"
        case .emptyGroup(let name, let takenBy, let frozen):
            let takers = takenBy.map { "'\($0)'" } + (frozen ? ["'freeze'"] : [])
            guard let last = takers.last else { return "group '\(name)' has no parameters" }
            let list = takers.count == 1 ? last : takers.dropLast().joined(separator: ", ") + " and " + last
            return "group '\(name)' has no parameters; they were taken by \(list)"
        case .globMatchesNoParameter(let pattern, let nearest):
            let hint = nearest.isEmpty ? "" : "; the nearest \(nearest.count == 1 ? "is" : "are") \(quotedList(nearest, conjunction: "and"))"
            return "no parameter name matches '\(clip(pattern))'\(hint)"
        case .frozenHere: return "'freeze' takes them here"
        case .selectorMatchesNothing(let name): return "group '\(name)' selects no parameters"
        case .expandedGroup(let name): return "in group '\(name)'"
        case .captureUnclosed: return "'{' opens a capture that no '}' closes"
        case .captureEmpty: return "'{}' captures nothing; write a name in it, as in '{i}'"
        case .captureNotAName(let name): return "capture '\(clip(name))' is not a name (a letter or '_', then letters, digits or '_')"
        case .captureTwice(let name): return "capture '\(name)' appears twice in one glob; give the second another name"
        case .capturesAdjacent(let name):
            return "capture '\(name)' follows another capture directly; their digits could be split anywhere"
        case .captureNameTaken(let name, let what): return "capture '\(name)' would hide \(what) '\(name)'; choose another name"
        case .tooManyCaptures(let limit): return "a group's selector may bind at most \(limit) captures"
        case .captureWithEach:
            return "a group with captures is already split by their values; 'each' cannot split it again"
        case .captureBoundTwice(let name): return "both sides of 'and' bind capture '\(name)'; bind it on one side only"
        case .captureUnbound(let name, let parameter):
            return "capture '\(name)' has no value for parameter '\(parameter)': the part of the selector that took it binds no '\(name)'"
        case .predicateSource(let name): return "parameter '\(name)' has no initial values for the 'where' predicate"
        case .unknownSchedule(let name, let s):
            return "unknown schedule '\(clip(name))'" + (s.isEmpty ? "; the schedules are \(quotedList(ScheduleKind.allCases.map(\.rawValue), conjunction: "and"))" : didYouMean(s))
        case .unknownScheduleArgument(let name, let schedule, let valid, let s):
            if valid.isEmpty { return "'\(schedule)' takes no argument '\(clip(name))'" }
            let hint = s.isEmpty ? "" : "did you mean \(quotedList(s))? "
            return "'\(schedule)' has no argument '\(clip(name))'; \(hint)it takes \(quotedList(valid, conjunction: "and"))"
        case .missingScheduleArgument(let name, let schedule): return "'\(schedule)' needs its argument '\(name)'"
        case .scheduleArgumentCount(let schedule, let expected, let got):
            return "'\(schedule)' takes \(expected), got \(got)"
        case .unknownScheduleGroup(let name, let s, let groups), .unknownGroup(let name, let s, let groups):
            let known = s.isEmpty && !groups.isEmpty ? "; the groups are \(quotedList(groups, conjunction: "and"))" : ""
            return "no group is named '\(clip(name))'\(didYouMean(s))\(known)"
        case .groupScheduledTwice(let name): return "group '\(name)' already has a schedule"
        case .previousSchedule(let name): return "the schedule of '\(name)' is given here"
        case .hyperparameterScheduledTwice(let name, let group): return "group '\(group)' already has a '\(name)' schedule"
        case .milestonesOutOfOrder(let value, let after):
            return "milestone \(value) must not come before milestone \(after)"
        case .scheduleNeverRuns(let schedule, let milestone, let first):
            let why = first ? "it ends at milestone 0" : "it starts and ends at milestone \(milestone)"
            return "'\(clip(schedule))' never runs: \(why) (PyTorch's SequentialLR skips it too)"
        case .cyclicBaseAboveMax(let base, let max):
            return "cyclic base_lr \(format(base)) is above max_lr \(format(max))"
        case .onecycleTooShort(let total, let run):
            return "onecycle total_steps \(total) is shorter than the run (\(run) steps)"
        case .unknownPer(let word): return "expected 'step' or 'epoch' after 'per', found '\(clip(word))'"
        case .plateauPerStep: return "'plateau' steps once per epoch, on the epoch's loss"
        case .hyperparameterNotScheduled(let name, let group, let kind):
            return "group '\(group)' uses \(kind), which has no '\(name)' to schedule"
        case .hyperparameterScheduleCyclesMomentum(let name, let schedule):
            return "a '\(name)' schedule cannot cycle momentum; add 'cycle_momentum false' to '\(schedule)'"
        case .momentumMovedTwice(let group, let schedule):
            return "group '\(group)' has a 'momentum' schedule, and its learning rate's '\(schedule)' cycles momentum too; "
                + "add 'cycle_momentum false' to one of them"
        case .momentumNotCycled(let schedule, let group, let kind):
            return "\(schedule) cycles momentum, but group '\(group)' uses \(kind), which has neither 'momentum' "
                + "nor 'betas' (add 'cycle_momentum false')"
        case .unknownOption(let name, let statement, let valid, let s):
            let hint = s.isEmpty ? "" : "did you mean \(quotedList(s))? "
            return "'\(statement)' has no option '\(clip(name))'; \(hint)it takes \(quotedList(valid, conjunction: "and"))"
        case .unknownDataSource(let name, let s): return "unknown data source '\(clip(name))'\(didYouMean(s))"
        case .dataFileCount(let source, let expected, let got):
            return "'\(source)' takes \(expected) file name\(expected == 1 ? "" : "s"), got \(got)"
        case .fileMissing(let path): return "file '\(path)' does not exist"
        case .fileUnreadable(let path): return "file '\(path)' cannot be read"
        case .unknownShowTarget(let name, let s):
            return "cannot show '\(clip(name))'" + (s.isEmpty ? "; show takes \(StatementVocabulary.showUsage)" : didYouMean(s))
        case .unknownParameter(let name, let s, let names, let file):
            let listed = s.isEmpty && !names.isEmpty
                ? (file == nil ? "; the parameters are " : "; it has ") + quotedNames(names) : didYouMean(s)
            return "no parameter is named '\(clip(name))'" + (file.map { " in '\($0)'" } ?? "") + listed
        case .unknownShowGroup(let name, let s, let groups, let parameters):
            return "no group is named '\(clip(name))'" + (s.isEmpty ? "; the groups are \(quotedNames(groups))" : didYouMean(s))
                + (parameters.first.map { "; for a parameter, 'show param \($0)'" } ?? "")
        case .defaultOptimizer: return "no 'optimizer' statement; using sgd with PyTorch's defaults"
        case .memoryTooLarge(let needed, let available, let parts, let limit):
            let list = parts.filter { $0.bytes > 0 }.map { "\($0.what) \(bytes($0.bytes))" }.joined(separator: ", ")
            return "the run needs \(bytes(needed)) of memory (\(list)); this process can have \(bytes(available)) (\(limit))"
        case .dataFile(let path, let reason): return "cannot use data file '\(path)': \(reason)"
        case .tokenIdOutOfRange(let path, let id, let rows, let sample, let position):
            return "cannot use data file '\(clip(path))': token id \(id) is out of range for an embedding of \(rows) rows "
                + "(sample \(sample), position \(position))"
        case .noTrainingSamples(let samples, let split?):
            return "split \(format(split)) of \(samples) sample\(samples == 1 ? "" : "s") leaves none to train on"
        case .noTrainingSamples(_, nil): return "the data has no samples to train on"
        case .stateFile(let path, let reason): return "cannot use '\(path)': \(reason)"
        case .outputUnwritable(let path, let reason): return "cannot write '\(clip(path))': \(reason)"
        case .scheduleFailed(let group, let reason): return "schedule of group '\(group)': \(reason)"
        case .invalidRate(let group, let value, let epoch, let step):
            let what = value.isNaN ? "NaN" : value.isInfinite ? "infinite" : value < 0 ? "negative (\(NumberText.display(value)))" : NumberText.display(value)
            return "learning rate of group '\(group)' is \(what) at epoch \(epoch) (step \(step))"
        case .invalidScheduledValue(let name, let group, let value, let epoch, let step):
            let what = value.isNaN ? "NaN" : value.isInfinite ? "infinite" : "negative (\(NumberText.display(value)))"
            return "'\(name)' of group '\(group)' is \(what) at epoch \(epoch) (step \(step))"
        case .nonFiniteLoss(let what, let epoch, let step, let rates):
            return "the loss is \(what) at epoch \(epoch), step \(step); learning rates: \(rates)"
        case .nonFiniteGradient(let parameter, let epoch, let step, let rates):
            return "the gradient of '\(parameter)' is not finite at epoch \(epoch), step \(step); learning rates: \(rates)"
        case .trainWithoutData: return "'train' needs a 'data' statement"
        case .labelBeyondOutputs(let index, let outputs):
            return "class index \(index) in the data, but the model has \(outputs) outputs (cross_entropy needs one per class)"
        case .crossEntropyOutputShape(let shape):
            return "cross_entropy needs the model's output to be BATCHxCLASSES, it is BATCHx\(shape)"
        case .crossEntropySequenceShape(let output, let positions):
            return "cross_entropy on targets of \(positions) positions per sample needs the model's output to be "
                + "BATCHx\(positions)xCLASSES, it is BATCHx\(output)"
        case .crossEntropyNeedsLabels:
            return "cross_entropy needs integer class labels; the targets are floats (use loss mse)"
        case .mseTargetWidth(let width, let outputs):
            return "mse targets have \(width) values per sample, the model has \(outputs) outputs"
        case .mseNeedsFloatTargets(let outputs):
            return "mse needs float targets of the output's size (\(outputs)); the data has class labels (use loss cross_entropy)"
        case .unknownLoss(let name): return "unknown loss '\(clip(name))'"
        case .targetOutOfRange(let label, let classes, let sample, let position):
            return "target \(label) is out of bounds for \(classes) classes (sample \(sample)\(position.map { ", position \($0)" } ?? ""))"
        case .batchNormSingleValue(let layer, let shape):
            return "expected more than 1 value per channel when training, got input size \(shape) (layer '\(layer)')"
        case .dataUnreadable(let reason): return "cannot read the data: \(reason)"
        case .unsupportedDataSource(let kind): return "unsupported data source '\(clip(kind))'"
        case .textTooShort(let file, let bytes, let context):
            return "'\(clip(file))' holds \(bytes) byte\(bytes == 1 ? "" : "s"); 'text' data with 'context \(context)' need at least \(context + 1) "
                + "(one context and the byte after it)"
        case .textNeedsEmbedding:
            return "'text' data are token ids, so the model's first layer must be an 'embedding'"
        case .textContextMismatch(let context, let input):
            return "'context \(context)' is the sequence length, but the model's input is \(input); "
                + "write 'input \(context)' or leave 'input' out"
        case .dataNotTokenIds(let kind):
            return "the model starts with an 'embedding', which takes token ids, but '\(kind)' data are not token ids"
        case .cannotExport(let problem): return "cannot export to PyTorch: \(problem)"
        case .plateauHeldConstant(let group, let what):
            return "plateau depends on training losses; \(what) of group '\(group)' is shown held constant"
        case .noTrainStatement(let epochs): return "no 'train' statement; showing \(epochs) epochs (use --epochs)"
        case .stepsPerEpochFromData(let steps, let origin, let batch, let accumulate):
            return "\(steps) optimizer \(steps == 1 ? "step" : "steps") per epoch, as 'lrs run' takes them: "
                + "\(origin), in batches of \(batch)" + (accumulate > 1 ? ", accumulated in runs of \(accumulate)" : "")
                + " (--steps-per-epoch to show another number)"
        case .stepsPerEpochUnknown(let reason):
            return "showing 1 optimizer step per epoch: cannot count the training samples (\(reason)); "
                + "give --steps-per-epoch"
        case .interrupted(let epoch, let step): return "interrupted at epoch \(epoch), step \(step)"
        case .runInterrupted(let epoch, let step, let epochs, let checkpoint, let checkpointEpoch, let trace):
            var text = "interrupted after \(epoch) of \(epochs) epochs (step \(step)); "
            if let checkpoint {
                text += "the last checkpoint, '\(clip(checkpoint))', holds epoch \(checkpointEpoch): continue with "
                    + "'--resume \(clip(checkpoint))'"
            } else {
                text += "no checkpoint was written"
            }
            if let trace { text += "; the trace '\(clip(trace))' has every step taken" }
            return text
        case .nothingTrained(let saved):
            let what = saved.isEmpty ? "" : "; 'save' wrote the initial weights to " + quotedList(saved, conjunction: "and")
            return "the script has no 'train' statement, so nothing was trained\(what)"
        case .runAlreadyComplete(let epoch, let epochs):
            return "the run is already complete at epoch \(epoch) of \(epochs); nothing to train"
        case .initialValuesUnavailable(let name, let reason):
            return "initial values of '\(name)' are not available: \(reason)"
        }
    }
}

/// Numbers in messages: whole numbers without a fraction, others in shortest form.
func format(_ value: Double) -> String {
    if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return NumberText.display(value)
}

/// Long user text (a 100 KB name) is cut in messages.
private func clip(_ text: String) -> String {
    text.count > 60 ? String(text.prefix(57)) + "..." : text
}

private func bytes(_ count: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var value = Double(count)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    let tenths = Int64((value * 10).rounded())
    return unit == 0 ? "\(count) bytes" : "\(tenths / 10).\(tenths % 10) \(units[unit])"
}
