import LRSEngine
import LRSLanguage

// The training loop of section 9, as `lrs run` runs it; under DDP each process takes its
// share of every batch and losses are averaged across processes.
extension ProgramWriter {
    var checkpoint: (every: Int, file: CheckedFile)? {
        for case .checkpoint(let every, let file) in script.statements { return (every, file) }
        return nil
    }

    mutating func loopSection() -> String {
        guard script.train != nil, script.data != nil else {
            return options.distributed ? startDistributed().joined(separator: "\n") : ""
        }
        imports.insert("json")
        imports.insert("sys")
        imports.insert("time")
        usesMath = true
        var out = options.distributed ? distributedBatches() : plainBatches()
        if validationStatement != nil { out += ["", ""] + evaluate() }
        out += ["", ""] + stopUnlessFinite() + ["", ""]
        if (script.train?.accumulate ?? 1) > 1 { out += runsOf() + ["", ""] }
        out += train()
        return out.joined(separator: "\n")
    }

    private mutating func plainBatches() -> [String] {
        imports.insert("from torch.utils.data import DataLoader, TensorDataset")
        return [
            "def batches(x, y):",
            "    \"\"\"One epoch's batches of BATCH_SIZE samples, the last one possibly smaller.\"\"\"",
            "    if SHUFFLE:",
            "        return DataLoader(TensorDataset(x, y), batch_size=BATCH_SIZE, shuffle=True)",
            "    # In order and without a DataLoader: its iterator draws a seed from the global",
            "    # generator even when not shuffling, which lrs does not (it matters to dropout).",
            "    return [(x[i:i + BATCH_SIZE], y[i:i + BATCH_SIZE]) for i in range(0, len(x), BATCH_SIZE)]",
        ]
    }

    private mutating func distributedBatches() -> [String] {
        imports.insert("from torch.utils.data import BatchSampler, DistributedSampler, RandomSampler")
        return startDistributed() + [
            "",
            "",
            "def epoch_order(n):",
            "    \"\"\"DataLoader(shuffle=True)'s order: its iterator draws a base seed, then its sampler",
            "    a seed, from the global generator. Drawing the same keeps one process in step with",
            "    the plain program and `lrs run`.\"\"\"",
            "    torch.empty((), dtype=torch.int64).random_()",
            "    return torch.tensor(list(RandomSampler(range(n))))",
            "",
            "",
            "def batches(x, y, rank, world):",
            "    \"\"\"This process's share of each of the epoch's batches: the epoch's order split by",
            "    a DistributedSampler, BATCH_SIZE samples per batch across the processes.\"\"\"",
            "    order = epoch_order(len(x)) if SHUFFLE else torch.arange(len(x))",
            "    sampler = DistributedSampler(range(len(x)), num_replicas=world, rank=rank, shuffle=False)",
            "    for positions in BatchSampler(sampler, max(1, BATCH_SIZE // world), drop_last=False):",
            "        index = order[positions]",
            "        yield x[index], y[index]",
        ]
    }

    private mutating func startDistributed() -> [String] {
        imports.insert("from torch import distributed as dist")
        imports.insert("from torch.nn.parallel import DistributedDataParallel")
        return [
            "def start_distributed():",
            "    \"\"\"Joins the torchrun job: (rank, number of processes, device).\"\"\"",
            "    cuda = torch.cuda.is_available()",
            "    dist.init_process_group(\"nccl\" if cuda else \"gloo\")",
            "    if cuda:",
            "        local_rank = int(os.environ.get(\"LOCAL_RANK\", 0))",
            "        torch.cuda.set_device(local_rank)",
            "        return dist.get_rank(), dist.get_world_size(), torch.device(\"cuda\", local_rank)",
            "    return dist.get_rank(), dist.get_world_size(), torch.device(\"cpu\")",
        ]
    }

    private func evaluate() -> [String] {
        [
            "def evaluate(model, loss_fn, x, y):",
            "    \"\"\"Validation: mean loss over the samples (batches of BATCH_SIZE, in order) and the",
            "    accuracy where there are classes.\"\"\"",
            "    model.eval()",
            "    total, correct = 0.0, 0",
            "    with torch.no_grad():",
            "        for i in range(0, len(x), BATCH_SIZE):",
            "            xb, yb = x[i:i + BATCH_SIZE], y[i:i + BATCH_SIZE]",
            "            out = model(xb)",
            "            total += loss_fn(out, yb).item() * len(xb)",
            "            if yb.dtype == torch.int64:",
            "                correct += (out.argmax(\(classAxis)) == yb).sum().item()",
            "    return total / len(x), correct / \(sequenceOutput ? "y.numel()" : "len(x)")",
        ]
    }

    private func stopUnlessFinite() -> [String] {
        [
            "def used_rate(name, first, last):",
            "    \"\"\"A group's rates over an epoch's steps, as lrs's epoch line shows them.\"\"\"",
            "    first, last = f\"{first:.6g}\", f\"{last:.6g}\"",
            "    return f\"{name} {first}\" if first == last else f\"{name} {first}..{last}\"",
            "",
            "",
            "def stop_unless_finite(model, loss, epoch, step, rates):",
            "    \"\"\"Like lrs, stops at a NaN or infinite loss or gradient, before the optimizer step.\"\"\"",
            "    grads = [p.grad for p in model.parameters() if p.grad is not None]",
            "    if math.isfinite(loss) and all(torch.isfinite(g).all() for g in grads):",
            "        return",
            "    shown = \", \".join(f\"{name} {lr:g}\" for name, lr in rates.items())",
            "    sys.exit(f\"error: epoch {epoch}, step {step}: the loss or a gradient is not finite \"",
            "             f\"(rates: {shown})\")",
        ]
    }

    /// `accumulate K`: the batches in runs of K, one optimizer step each.
    private func runsOf() -> [String] {
        [
            "def runs_of(batches, size):",
            "    \"\"\"An epoch's batches in runs of `size` (accumulate), the last run possibly shorter.\"\"\"",
            "    run = []",
            "    for batch in batches:",
            "        run.append(batch)",
            "        if len(run) == size:",
            "            yield run",
            "            run = []",
            "    if run:",
            "        yield run",
        ]
    }

    private func checkpointLines(indent: String) -> [String] {
        guard let checkpoint else { return [] }
        let save = options.distributed ? "if rank == 0 and (epoch + 1) % \(checkpoint.every) == 0:"
            : "if (epoch + 1) % \(checkpoint.every) == 0:"
        return [indent + "# " + origin(checkpoint.file.range),
                indent + save,
                indent + "    save(model, \(PythonText.string(checkpoint.file.written)))"]
    }

    private func epochEnd(indent: String) -> [String] {
        var lines = [
            indent + "line = f\"epoch {epoch + 1}/{epochs}: loss {mean:.6g}\"",
            indent + "if y.dtype == torch.int64:",
            indent + "    line += f\", accuracy {correct / \(sequenceOutput ? "(count * y.shape[1])" : "count"):.4f}\"",
            indent + "metric = mean",
        ]
        if validationStatement != nil {
            lines += validationLines(indent: indent)
        }
        return lines + [
            // The rates the epoch's steps used, as lrs prints them: FIRST..LAST when a
            // per-step schedule moved them within the epoch.
            indent + "line += \", lr \" + \", \".join(used_rate(name, first_rates[name], rate)",
            indent + "                              for name, rate in rates.items())",
            indent + "for schedule in schedules:",
            indent + "    if not schedule.per_step:",
            indent + "        schedule.step(metric)",
        ]
    }

    private func validationLines(indent: String) -> [String] {
        [
            indent + "if validation is not None:",
            indent + "    metric, accuracy = evaluate(model, loss_fn, *validation)",
            indent + "    line += f\", validation loss {metric:.6g}\"",
            indent + "    if validation[1].dtype == torch.int64:",
            indent + "        line += f\", accuracy {accuracy:.4f}\"",
        ]
    }

    /// The loop, one template for both programs. Under DDP the wrapper runs forward and
    /// backward (it averages the gradients), each process takes its share of every batch,
    /// and the losses, samples and correct answers are summed across the processes.
    private func train() -> [String] {
        let ddp = options.distributed
        let net = ddp ? "ddp_model" : "model"
        var out = ddp ? [
            "def train(ddp_model, optimizers, schedules, loss_fn, data, validation, epochs, trace, rank, world):",
            "    \"\"\"Per batch: zero_grad, forward, mean loss, backward (DDP averages the gradients),",
            "    every optimizer steps, then every per-step schedule; after the epoch every per-epoch",
            "    schedule steps (plateau on the validation loss when there is validation data, else",
            "    the mean loss). Losses are averaged across the processes.\"\"\"",
            "    model = ddp_model.module",
        ] : [
            "def train(model, optimizers, schedules, loss_fn, data, validation, epochs, trace):",
            "    \"\"\"Per batch: zero_grad, forward, mean loss, backward, every optimizer steps, then",
            "    every per-step schedule; after the epoch every per-epoch schedule steps (plateau",
            "    on the validation loss when there is validation data, else the mean loss).\"\"\"",
        ]
        out += [
            "    x, y = data",
            "    groups = parameter_groups(optimizers)",
            "    step = 0",
            "    for epoch in range(epochs):",
        ]
        if !resolution.frozenUntil.isEmpty {
            out += [
                "        # Frozen until an epoch: requires_grad switched at the epoch's start.",
                "        for name, first in FROZEN_UNTIL.items():",
                "            model.get_parameter(name).requires_grad_(epoch >= first)",
            ]
        }
        out += [
            "        started = time.perf_counter()",
            "        total, correct, count = 0.0, 0, \(ddp ? "0" : "len(x)")",
            "        first_rates = None",
        ]
        // Under `accumulate K` a step is a run of K batches, each batch's loss divided by K
        // before backward, the step's loss the mean of the run's; the per-batch lines move
        // one level in.
        let accumulate = (script.train?.accumulate ?? 1) > 1
        let b = accumulate ? "                " : "            "
        let source = "batches(x, y\(ddp ? ", rank, world" : ""))"
        out += accumulate ? [
            "        for run in runs_of(\(source), ACCUMULATE):",
            "            \(net).train()",
            "            for optimizer in optimizers:",
            "                optimizer.zero_grad()",
            "            run_losses = []",
            "            for xb, yb in run:",
            b + "out = \(net)(xb)",
            b + "loss = loss_fn(out, yb)",
            b + "(loss / ACCUMULATE).backward()",
        ] : [
            "        for xb, yb in \(source):",
            "            \(net).train()",
            "            for optimizer in optimizers:",
            "                optimizer.zero_grad()",
            "            out = \(net)(xb)",
            "            loss = loss_fn(out, yb)",
            "            loss.backward()",
        ]
        if ddp {
            out += [
                b + "hits = (out.argmax(\(classAxis)) == yb).sum().item() if yb.dtype == torch.int64 else 0",
                b + "# Summed over the processes: losses, loss x samples, samples, correct answers.",
                b + "sums = torch.tensor([loss.item(), loss.item() * len(xb), len(xb), hits],",
                b + "                    dtype=torch.float64, device=loss.device)",
                b + "dist.all_reduce(sums)",
                b + "mean_loss = sums[0].item() / world",
            ]
        }
        let batchLoss = ddp ? "mean_loss" : "loss.item()"
        let totals = ddp ? [
            b + "total += sums[1].item()",
            b + "count += int(sums[2].item())",
            b + "correct += int(sums[3].item())",
        ] : [
            b + "total += loss.item() * len(xb)",
            b + "if yb.dtype == torch.int64:",
            b + "    correct += (out.argmax(\(classAxis)) == yb).sum().item()",
        ]
        if accumulate {
            out += [b + "run_losses.append(\(batchLoss))"] + totals
            out.append("            step_loss = sum(run_losses) / len(run_losses)")
        }
        let lossValue = accumulate ? "step_loss" : batchLoss
        out += [
            "            rates = {group[\"name\"]: group[\"lr\"] for group in groups}",
            "            first_rates = first_rates or rates",
            "            stop_unless_finite(model, \(lossValue), epoch, step, rates)",
        ]
        if script.train?.clip != nil {
            out.append("            torch.nn.utils.clip_grad_norm_([p for group in groups for p in group[\"params\"]], CLIP)")
        }
        out += [
            "            for optimizer in optimizers:",
            "                optimizer.step()",
            "            if trace:",
            "                record = {\"epoch\": epoch, \"step\": step, \"loss\": \(lossValue), \"lr\": rates}",
            "                trace.write(json.dumps(record) + \"\\n\")",
        ]
        if !accumulate { out += totals }
        out += [
            "            step += 1",
            "            for schedule in schedules:",
            "                if schedule.per_step:",
            "                    schedule.step()",
            "        mean = total / count",
        ]
        out += epochEnd(indent: "        ")
        let report = "print(f\"{line}; {time.perf_counter() - started:.2f}s\", flush=True)"
        out += ddp ? ["        if rank == 0:", "            " + report] : ["        " + report]
        out += checkpointLines(indent: "        ")
        return out
    }
}
