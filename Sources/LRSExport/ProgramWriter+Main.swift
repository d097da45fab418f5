import LRSEngine
import LRSLanguage

// `main()`: seed, model, init, freeze, optimizers, schedules, then the script's `train`
// and `save` statements in the script's order.
extension ProgramWriter {
    mutating func mainSection() throws(ExportRefusal) -> String {
        let distributed = options.distributed
        var out: [String] = []
        if script.statements.contains(where: { if case .save = $0 { return true }; return checkpoint != nil }) {
            imports.insert("from safetensors.torch import save_file")
            out += [
                "def save(model, name):",
                "    \"\"\"The state_dict (buffers included) as safetensors, written atomically.\"\"\"",
                "    target = path(name)",
                "    temporary = target + \".tmp\"",
                "    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}, temporary)",
                "    os.replace(temporary, target)",
                "", "",
            ]
        }
        if sequenceOutput, script.train?.loss != "mse" {
            out += [
                "def sequence_cross_entropy(logits, y):",
                "    \"\"\"cross_entropy on logits [B, T, V] and targets [B, T]: the mean over all B*T positions.\"\"\"",
                "    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))",
                "", "",
            ]
        }
        out += ["def main():",
                "    parser = argparse.ArgumentParser(description=\"\(script.train != nil ? "Train" : "Build") "
                + "\(scriptName)'s setup with PyTorch.\")"]
        let trains = script.train != nil
        if trains {
            out.append("    parser.add_argument(\"--epochs\", type=int, default=EPOCHS,")
            out.append("                        help=\"epochs to train (the script says %(default)s)\")")
            out.append("    parser.add_argument(\"--trace\", metavar=\"FILE\", help=\"write one JSON line per optimizer step\")")
        }
        out.append(trains ? "    args = parser.parse_args()" : "    parser.parse_args()")
        if distributed { out.append("    rank, world, device = start_distributed()") }
        out += ["", "    torch.manual_seed(SEED)", "    model = build_model()"]
        if let initFile = script.initFile {
            imports.insert("from safetensors.torch import load_file")
            out.append("    # " + origin(initFile.range))
            out.append("    model.load_state_dict(load_file(path(\(PythonText.string(initFile.written)))))")
        }
        if distributed, let until = script.freezes.first(where: { $0.untilEpoch != nil }) {
            throw ExportRefusal(.unfreezeUnderDDP, at: until.range)
        }
        if !resolution.frozen.isEmpty {
            out.append("    for name in FROZEN:")
            out.append("        model.get_parameter(name).requires_grad_(False)")
        }
        if distributed { out.append("    model.to(device)") }
        out.append("    optimizers = make_optimizers(model)")
        if trains {
            out.append(hasSchedules ? "    schedules = make_schedules(optimizers)" : "    schedules = []")
        } else {
            // No training: show what was built, as `show groups` would.
            if hasSchedules { out.append("    make_schedules(optimizers)  # each group's starting rate") }
            out += ["    for group in parameter_groups(optimizers):",
                    "        count = sum(p.numel() for p in group[\"params\"])",
                    "        print(f\"{group['name']}: {count} elements, lr {group['lr']:g}\")"]
        }
        if distributed {
            out.append("    device_ids = [device.index] if device.type == \"cuda\" else None")
            out.append("    ddp_model = DistributedDataParallel(model, device_ids=device_ids)")
        }
        for statement in script.statements {
            switch statement {
            case .train(let train):
                guard script.data != nil else {
                    throw ExportRefusal(.trainWithoutData, at: train.range)
                }
                out += [""] + trainCall(train)
            case .save(let file):
                let call = "save(model, \(PythonText.string(file.written)))"
                out += ["", "    # " + origin(file.range)]
                out.append(distributed ? "    if rank == 0:\n        " + call : "    " + call)
            default:
                continue
            }
        }
        if distributed {
            // Every rank waits for the others (rank 0 may still be saving) before the group is
            // torn down: a rank that tore it down alone made gloo abort the other at exit
            // ("terminate called without an active exception"), failing a finished run. The
            // DDP wrapper goes first: its reducer holds the group, which would otherwise live
            // on, its gloo threads with it, into the interpreter's own shutdown.
            out += ["    del ddp_model", "    dist.barrier()", "    dist.destroy_process_group()"]
        }
        return out.joined(separator: "\n")
    }

    private func trainCall(_ train: CheckedTrain) -> [String] {
        var out = ["    data, validation = load_data()"]
        if options.distributed {
            out.append("    data = tuple(t.to(device) for t in data)")
            out.append("    if validation is not None:")
            out.append("        validation = tuple(t.to(device) for t in validation)")
        }
        out.append("    # " + origin(train.range))
        let crossEntropy = sequenceOutput ? "sequence_cross_entropy" : "nn.CrossEntropyLoss()"
        switch train.loss {
        case "cross_entropy"?: out.append("    loss_fn = " + crossEntropy)
        case "mse"?: out.append("    loss_fn = nn.MSELoss()")
        default:
            out.append("    # (no loss given: cross_entropy for class indices, else mse)")
            out.append("    loss_fn = \(crossEntropy) if data[1].dtype == torch.int64 else nn.MSELoss()")
        }
        let trace = options.distributed ? "args.trace and rank == 0" : "args.trace"
        out += ["    trace = open(args.trace, \"w\", encoding=\"utf-8\") if \(trace) else None",
                "    try:"]
        if options.distributed {
            out.append("        train(ddp_model, optimizers, schedules, loss_fn, data, validation, args.epochs, trace,")
            out.append("              rank, world)")
        } else {
            out.append("        train(model, optimizers, schedules, loss_fn, data, validation, args.epochs, trace)")
        }
        out += ["    finally:", "        if trace:", "            trace.close()"]
        return out
    }
}
