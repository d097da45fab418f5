/// What a PyTorch export cannot express faithfully (section 11: refused, never approximated).
/// The wording lives here; `DiagnosticCondition.cannotExport` puts it in a diagnostic.
public enum ExportProblem: Sendable, Equatable, CustomStringConvertible {
    /// A schedule argument computed from what the program does not know.
    case notConstant(argument: String)
    case factorNotANumber
    /// `epoch` in a per-step lambda, or `step` in a per-epoch one.
    case wrongCounter(variable: String, perStep: Bool)
    case npyNeedsTwoFiles
    case csvNeedsFile
    case syntheticNeedsInputShape
    /// A data source the export does not write yet (`text`, section 12).
    case dataSourceNotExported(String)
    case stringNotNumber
    case noValue(name: String)
    case noPythonFunction(name: String)
    case trainWithoutData
    case batchNormShape(shape: String)
    /// A layer named like an attribute of `torch.nn.Sequential`.
    case sequentialAttribute(name: String)
    /// A model from a checkpoint: its module (section 16) is not written yet.
    case checkpointModel
    /// `lrs export --epochs/--steps-per-epoch` for a program, which has the script's own.
    case runLengthForProgram
    /// `freeze ... until epoch N` in a `--ddp` program: DistributedDataParallel fixes the
    /// parameters it reduces when it wraps the model, so switching `requires_grad` on later
    /// would train them on each process's own gradients.
    case unfreezeUnderDDP

    public var description: String {
        switch self {
        case .notConstant(let argument): return "'\(argument)' must be a constant to be exported"
        case .factorNotANumber: return "the factor is not a number"
        case .wrongCounter(let variable, let perStep):
            return "'\(variable)' in a \(perStep ? "per-step" : "per-epoch") schedule: PyTorch's "
                + "scheduler counts only \(perStep ? "optimizer steps" : "epochs")"
        case .npyNeedsTwoFiles: return "npy needs two files"
        case .csvNeedsFile: return "csv needs a file"
        case .syntheticNeedsInputShape: return "synthetic data needs the input shape"
        case .dataSourceNotExported(let kind): return "'\(kind)' data have no loader in the export yet"
        case .stringNotNumber: return "a string is not a number here"
        case .noValue(let name): return "'\(name)' has no value here in the exported program"
        case .noPythonFunction(let name): return "function '\(name)' has no Python counterpart here"
        case .trainWithoutData: return "'train' without a 'data' statement has nothing to train on"
        case .batchNormShape(let shape):
            return "batchnorm on an input of shape \(shape): PyTorch's BatchNorm1d/2d take samples of 1 to 3 dimensions"
        case .sequentialAttribute(let name):
            return "layer name '\(name)' is an attribute of torch.nn.Sequential; PyTorch "
                + "cannot name a submodule so, and the state_dict names would change"
        case .checkpointModel:
            return "a model from a checkpoint exports as a 'build(model)' module, not a program: "
                + "export it without --ddp (the module serves torchrun as it is)"
        case .runLengthForProgram:
            return "--epochs and --steps-per-epoch give the run's length to a 'build(model)' module (--module); "
                + "a program takes it from the script's 'train' and data"
        case .unfreezeUnderDDP:
            return "'freeze ... until epoch' cannot be exported with --ddp: DistributedDataParallel "
                + "reduces only the parameters that required grad when it wrapped the model; export it without --ddp"
        }
    }
}
