import LRSEngine
import LRSHyperparameters
import LRSLanguage
import LRSLayers

/// `lrs export FILE --to pytorch`: a checked script and its resolved groups as one
/// self-contained PyTorch program (torch, numpy and safetensors only) that builds the
/// same model, groups, optimizers and schedules, reads the same files and trains with
/// the same loop as `lrs run`. A pure function of its inputs.
public enum PyTorchExport {
    /// What to write.
    public struct Options: Sendable {
        /// Write a program for `torchrun` with DistributedDataParallel.
        public var distributed: Bool
        /// The program's file name, for its usage line (`seed2.py`).
        public var programName: String

        public init(distributed: Bool = false, programName: String = "train.py") {
            self.distributed = distributed
            self.programName = programName
        }
    }

    /// The program's text, or why the script cannot be exported faithfully.
    public static func program(_ script: CheckedScript, _ resolution: GroupResolution,
                               options: Options = Options()) throws(ExportRefusal) -> String {
        // Refused, not written as an empty nn.Sequential that would train nothing.
        if script.model.file != nil { throw ExportRefusal(.checkpointModel, at: script.model.range) }
        var writer = try ProgramWriter(script: script, resolution: resolution, options: options)
        return try writer.write()
    }

    /// The setup as a module for the user's own training code (section 16): `build(model)`
    /// checks a live model against the script's names and shapes and returns the setup.
    public static func module(_ script: CheckedScript, _ resolution: GroupResolution,
                              options: Options = Options()) throws(ExportRefusal) -> String {
        var writer = try ProgramWriter(script: script, resolution: resolution, options: options)
        writer.writesModule = true
        return try writer.writeModule()
    }
}

/// Collects the program's sections; each `+Concern` file writes one of them.
struct ProgramWriter {
    let script: CheckedScript
    let resolution: GroupResolution
    let options: Options
    typealias Options = PyTorchExport.Options

    /// Optimizer kinds in order of first appearance among the groups.
    let kinds: [OptimizerKind]
    /// Imports the sections asked for (module lines, sorted when written).
    var imports: Set<String> = []
    var usesMath = false
    /// Whether a `SequentialLR` takes milestones from build()'s run length, through the
    /// module's `milestones()` check.
    var usesOpenMilestones = false
    /// Whether this is the `build(model)` module, whose schedules may leave the run length
    /// to its keywords; a program's run length is always fixed.
    var writesModule = false

    init(script: CheckedScript, resolution: GroupResolution, options: Options) throws(ExportRefusal) {
        self.script = script
        self.resolution = resolution
        self.options = options
        var kinds: [OptimizerKind] = []
        for group in resolution.groups where !kinds.contains(group.optimizerKind) {
            kinds.append(group.optimizerKind)
        }
        if kinds.isEmpty { kinds = [script.optimizer.kind] }
        self.kinds = kinds
    }

    /// The script's file name (`seed2.lrs`).
    var scriptName: String {
        script.source.path.split(separator: "/").last.map(String.init) ?? script.source.path
    }

    /// A comment pointing back at the script.
    func origin(_ range: SourceRange) -> String { PythonText.origin(range, in: script.source) }

    mutating func write() throws(ExportRefusal) -> String {
        try refuseUnexpressibleNames()
        let model = try modelSection()
        let groups = groupsSection()
        let schedules = try schedulesSection()
        let data = try dataSection()
        let loop = loopSection()
        let main = try mainSection()
        var sections = [constantsSection(), model, groups]
        if !schedules.isEmpty { sections.append(schedules) }
        if !data.isEmpty { sections.append(data) }
        if !loop.isEmpty { sections.append(loop) }
        sections.append(main)
        let body = sections.joined(separator: "\n\n\n")
        return header() + "\n\n" + body + "\n\n\nif __name__ == \"__main__\":\n    main()\n"
    }

    /// Layer names PyTorch cannot give a submodule of `nn.Sequential`, at any depth (a
    /// nested item is blamed on the top-level item that holds it). Walked with a stack:
    /// nesting may be deep.
    func refuseUnexpressibleNames() throws(ExportRefusal) {
        for layer in script.model.layers {
            var pending = [NamedLayer(layer.name, layer.spec)]
            while let item = pending.popLast() {
                if ProgramWriter.moduleAttributes.contains(item.name) {
                    throw ExportRefusal(.sequentialAttribute(name: item.name), at: layer.range)
                }
                switch item.spec {
                case .sequence(let items), .repeat(_, let items): pending += items
                case let .residual(body, shortcut): pending += body + (shortcut ?? [])
                default: continue
                }
            }
        }
    }

    /// Public attribute names of `torch.nn.Sequential` (PyTorch 2.13): `add_module` refuses them.
    static let moduleAttributes: Set<String> = [
        "T_destination", "add_module", "append", "apply", "bfloat16", "buffers", "call_super_init", "children",
        "compile", "cpu", "cuda", "double", "dump_patches", "eval", "extend", "extra_repr", "float", "forward",
        "get_buffer", "get_extra_state", "get_parameter", "get_submodule", "half", "insert", "ipu",
        "load_state_dict", "modules", "mtia", "named_buffers", "named_children", "named_modules",
        "named_parameters", "parameters", "pop", "register_backward_hook", "register_buffer",
        "register_forward_hook", "register_forward_pre_hook", "register_full_backward_hook",
        "register_full_backward_pre_hook", "register_load_state_dict_post_hook",
        "register_load_state_dict_pre_hook", "register_module", "register_parameter",
        "register_state_dict_post_hook", "register_state_dict_pre_hook", "requires_grad_", "set_extra_state",
        "set_submodule", "share_memory", "state_dict", "to", "to_empty", "train", "training", "type", "xpu",
        "zero_grad",
    ]
}
