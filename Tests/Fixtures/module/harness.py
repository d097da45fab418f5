"""Drives an exported build(model) module for the Swift tests (ExportModuleTests).

    python harness.py groups PROGRAM MODULE   # the groups build() makes, as JSON
    python harness.py strict MODULE           # build() on mismatched and wrapped models
    python harness.py resume OLD NEW [GROWN]  # state_dict() of OLD loaded by NEW (and GROWN)
    python harness.py rates PROGRAM MODULE EPOCHS STEPS  # lr() before every step()
    python harness.py fixture MODULE FOLDER SETUP.json  # a stand-in of a real checkpoint
    python harness.py clip PROGRAM MODULE  # what step() clips
    python harness.py runlength MODULE CHECKPOINT EPOCHS STEPS  # build()'s run-length keywords
    torchrun --nproc_per_node=2 harness.py ddp MODULE  # DDP in the user's own loop
    torchrun --nproc_per_node=2 harness.py fsdp MODULE  # FSDP2 (fully_shard) likewise

Prints one JSON object on standard output (rank 0 only under torchrun).
"""

import copy
import datetime
import importlib
import io
import json
import os
import sys
from collections import OrderedDict

import torch
from torch import nn


def groups(program, module):
    """Every group build() made, in the script's order: name, optimizer, parameter names in
    order, and hyperparameters as the optimizers made them (no schedules, which may move
    momentum from the start: one-cycle and cyclic do)."""
    torch.manual_seed(0)
    model = importlib.import_module(program).build_model()
    module = importlib.import_module(module)
    module.make_schedules = lambda optimizers: []
    setup = module.build(model)
    out = []
    for name, group in setup.groups().items():
        kind = next(type(o).__name__ for o in setup.optimizers
                    if any(g is group for g in o.param_groups))
        settings = {k: v for k, v in group.items() if k not in ("params", "name", "initial_lr")}
        if "initial_lr" in group:
            settings["lr"] = group["initial_lr"]
        for key in ("betas", "etas", "step_sizes"):
            if key in settings:
                settings[key] = list(settings[key])
        out.append({"name": name, "optimizer": kind,
                    "parameters": [setup._names[id(p)] for p in group["params"]],
                    "hyperparameters": settings})
    return out


def rates(program, module, epochs, steps):
    """The rates a loop of step() and epoch_end() goes through: lr() before every step, as
    `lrs schedule --format csv` lists them; and what epoch_end() without a metric does."""
    torch.manual_seed(0)
    model = importlib.import_module(program).build_model()
    setup = importlib.import_module(module).build(model)
    seen = []
    for _ in range(int(epochs)):
        for _ in range(int(steps)):
            seen.append(setup.lr())
            for p in model.parameters():
                p.grad = torch.zeros_like(p)
            setup.step()
        setup.epoch_end(1.0)
    return {"rates": seen, "without metric": outcome(setup.epoch_end),
            "no gradients": all(p.grad is None for p in model.parameters())}


def stand_in(folder):
    """An nn.Module with exactly the checkpoint's names and shapes, read from the safetensors
    file: parameters in the real model's order (model.json), the section-13 buffers as
    buffers, and a tied alias (GPT-2's lm_head.weight) as a second name of its parameter."""
    from safetensors.torch import load_file
    with open(os.path.join(folder, "model.json"), encoding="utf-8") as f:
        info = json.load(f)
    tensors = load_file(os.path.join(folder, info["checkpoint"]))
    order = [t["name"] for t in info["tensors"]]
    assert sorted(order) == sorted(tensors), "model.json and the checkpoint disagree"
    root = nn.Module()
    for name in order:
        tensor = tensors[name]
        *path, leaf = name.split(".")
        holder = root
        for part in path:
            if part not in holder._modules:
                holder.add_module(part, nn.Module())
            holder = holder._modules[part]
        buffer = (not tensor.is_floating_point()
                  or leaf in ("running_mean", "running_var", "num_batches_tracked"))
        if buffer:
            holder.register_buffer(leaf, tensor)
        else:
            holder.register_parameter(leaf, nn.Parameter(tensor.float()))
    for alias, target in info.get("tied", {}).items():
        *path, leaf = alias.split(".")
        holder = root
        for part in path:
            if part not in holder._modules:
                holder.add_module(part, nn.Module())
            holder = holder._modules[part]
        holder.register_parameter(leaf, root.get_parameter(target))
    return root


def fixture(module, folder, expected):
    """build() on the stand-in; every parameter's group, optimizer, lr and weight_decay (or
    its being frozen) against the row the project's own grouping code recorded."""
    model = stand_in(folder)
    setup = importlib.import_module(module).build(model)
    with open(expected, encoding="utf-8") as f:
        rows = json.load(f)["parameters"]
    holder = {}
    position = {id(p): i for i, p in enumerate(model.parameters())}
    in_order = True
    for optimizer in setup.optimizers:
        for group in optimizer.param_groups:
            for parameter in group["params"]:
                holder[id(parameter)] = (type(optimizer).__name__.lower(), group)
            places = [position[id(p)] for p in group["params"]]
            in_order = in_order and places == sorted(places)
    mismatches = []
    for row in rows:
        parameter = model.get_parameter(row["name"])
        found = holder.get(id(parameter))
        if row.get("frozen"):
            if found or parameter.requires_grad:
                mismatches.append(f"{row['name']}: frozen in the setup, not by build()")
            continue
        if found is None:
            mismatches.append(f"{row['name']}: in no group")
            continue
        kind, group = found
        got = {"lrs_group": group["name"], "optimizer": kind,
               "lr": group.get("initial_lr", group["lr"]), "weight_decay": group["weight_decay"]}
        for key, value in got.items():
            want = row[key]
            same = (value == want if isinstance(want, str)
                    else abs(value - want) <= 1e-12 * max(abs(want), 1e-300))
            if not same:
                mismatches.append(f"{row['name']}: {key} {value}, expected {want}")
    return {"parameters": len(rows), "mismatches": mismatches, "in model order": in_order,
            "groups": len(setup.groups())}


def clip(program, module):
    """step() clips before the optimizers step: the norm it clips to, how many tensors, and
    the total norm of the gradients the optimizers then saw."""
    torch.manual_seed(0)
    model = importlib.import_module(program).build_model()
    setup = importlib.import_module(module).build(model)
    calls, seen = [], []
    original = torch.nn.utils.clip_grad_norm_

    def spy(parameters, max_norm, *args, **kwargs):
        parameters = list(parameters)
        calls.append((len(parameters), max_norm))
        result = original(parameters, max_norm, *args, **kwargs)
        seen.append(torch.cat([p.grad.reshape(-1) for p in parameters]).norm().item())
        return result
    torch.nn.utils.clip_grad_norm_ = spy
    for p in model.parameters():
        p.grad = torch.full_like(p, 100.0)
    setup.step()
    return {"calls": calls, "norm after": seen}


def checkpoint_model(path):
    """A stand-in with a checkpoint's tensors as parameters under their names, in its order."""
    from safetensors.torch import load_file
    root = nn.Module()
    for name, tensor in load_file(path).items():
        *path_, leaf = name.split(".")
        holder = root
        for part in path_:
            if part not in holder._modules:
                holder.add_module(part, nn.Module())
            holder = holder._modules[part]
        holder.register_parameter(leaf, nn.Parameter(tensor.float()))
    return root


def run_length(module, checkpoint, epochs, steps):
    """build(model, epochs=EPOCHS, steps_per_epoch=STEPS) on a checkpoint's stand-in: lr()
    before every step, as `lrs schedule --epochs --steps-per-epoch --format csv` lists them;
    and what build() says without the keywords, with epochs alone and with another epochs;
    or build()'s ValueError for this run length."""
    epochs, steps = int(epochs), int(steps)
    made = importlib.import_module(module)
    model = checkpoint_model(checkpoint)
    try:
        setup = made.build(model, epochs=epochs, steps_per_epoch=steps)
    except ValueError as error:
        return {"error": str(error)}
    seen = []
    for _ in range(epochs):
        for _ in range(steps):
            seen.append(setup.lr())
            for p in model.parameters():
                p.grad = torch.zeros_like(p)
            setup.step()
        setup.epoch_end()
    return {"rates": seen, "without": outcome(lambda: made.build(model)),
            "epochs only": outcome(lambda: made.build(model, epochs=epochs)),
            "other epochs": outcome(lambda: made.build(model, epochs=epochs + 1, steps_per_epoch=steps))}


def strict_model(first=(4, 4), head=(4, 2), bias_buffer=False):
    layers = OrderedDict([("0", nn.Linear(*first, bias=not bias_buffer)), ("1", nn.ReLU()),
                          ("2", nn.Linear(4, 4)), ("3", nn.ReLU()), ("head", nn.Linear(*head))])
    model = nn.Sequential(layers)
    if bias_buffer:
        del model[0].bias  # bias=False left a None parameter under the name
        model[0].register_buffer("bias", torch.zeros(4))
    return model


def outcome(make):
    try:
        make()
        return "ok"
    except ValueError as error:
        return str(error)


def strict(module):
    """The script: input 4; linear 4 4; relu; linear 4 4; relu; head: linear 4 2; freeze "0.bias";
    groups "2.*" (middle) and rest (others)."""
    build = importlib.import_module(module).build
    cases = {}
    cases["matching"] = outcome(lambda: build(strict_model()))

    def differences():
        model = strict_model(first=(4, 3), head=(4, 2))
        del model.head
        model.add_module("tail", nn.Linear(4, 2))
        return build(model)
    cases["differences"] = outcome(differences)

    def wrapped():
        model = strict_model()
        setup = build(torch.compile(nn.DataParallel(model)))
        return [p is model[2].weight for p in setup.groups()["middle"]["params"]]
    cases["wrapped"] = outcome(wrapped)

    def tied_alias():
        model = strict_model()
        model.alias = model[2]  # every parameter of 2 has a second name
        setup = build(model)
        assert len(setup.groups()["middle"]["params"]) == 2
    cases["tied alias"] = outcome(tied_alias)

    def tied_across_groups():
        model = strict_model()
        model[2].weight = model[0].weight
        build(model)
    cases["tied across groups"] = outcome(tied_across_groups)

    def frozen_buffer():
        model = strict_model(bias_buffer=True)
        build(model)
    cases["frozen buffer"] = outcome(frozen_buffer)

    def grouped_buffer():
        model = strict_model()
        del model.head.bias
        model.head.register_buffer("bias", torch.zeros(2))
        build(model)
    cases["grouped name is a buffer"] = outcome(grouped_buffer)

    def extra(requires_grad):
        model = strict_model()
        model.extra = nn.Parameter(torch.zeros(3), requires_grad=requires_grad)
        build(model)
    cases["extra frozen"] = outcome(lambda: extra(False))
    cases["extra trained"] = outcome(lambda: extra(True))

    model = strict_model()
    build(model)
    cases["0.bias requires grad"] = model[0].bias.requires_grad
    return cases


def resume_model():
    torch.manual_seed(0)
    return nn.Sequential(OrderedDict([("a", nn.Linear(6, 8)), ("r1", nn.ReLU()), ("b", nn.Linear(8, 8)),
                                      ("r2", nn.ReLU()), ("c", nn.Linear(8, 8)), ("r3", nn.ReLU()),
                                      ("d", nn.Linear(8, 3))]))


def train(model, setup, epochs, generator):
    for _ in range(epochs):
        for _ in range(2):
            x = torch.randn(16, 6, generator=generator)
            y = torch.randint(0, 3, (16,), generator=generator)
            nn.functional.cross_entropy(model(x), y).backward()
            setup.step()
        setup.epoch_end()


def resume(old, new, grown=None):
    """OLD trains 2 epochs and saves; then OLD trains 2 more, and NEW (the same setup with
    its groups reordered), loading the saved state onto the saved weights, trains the same
    2 epochs: their weights and rates must agree."""
    model = resume_model()
    setup = importlib.import_module(old).build(model)
    generator = torch.Generator().manual_seed(1)
    train(model, setup, 2, generator)
    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "setup": setup.state_dict()}, buffer)
    saved = buffer.getvalue()
    state = copy.deepcopy(generator.get_state())
    train(model, setup, 2, generator)

    def restored(name):
        checkpoint = torch.load(io.BytesIO(saved), weights_only=False)
        other = resume_model()
        other.load_state_dict(checkpoint["model"])
        return other, importlib.import_module(name).build(other), checkpoint["setup"]

    other, resumed, checkpoint = restored(new)
    report = resumed.load_state_dict(checkpoint)
    train(other, resumed, 2, torch.Generator().set_state(state))
    difference = max((a - b).abs().max().item() for a, b in zip(model.parameters(), other.parameters()))
    out = {"difference": difference, "lr": setup.lr(), "resumed lr": resumed.lr(),
           "report": report._asdict(),
           "new order": [g["name"] for o in resumed.optimizers for g in o.param_groups]}
    if grown:
        _, bigger, checkpoint = restored(grown)
        out["strict"] = outcome(lambda: bigger.load_state_dict(checkpoint))
        out["lenient"] = bigger.load_state_dict(checkpoint, strict=False)._asdict()
    return out


def ddp(module, sharded=False):
    """Two processes, each with its own data, DDP (or FSDP2's fully_shard, whose parameters
    are DTensors under the same names) in the user's own loop: after the steps both ranks
    must hold the same parameters, and they must have moved."""
    import faulthandler
    import torch.distributed as dist
    from torch.distributed.fsdp import fully_shard
    faulthandler.dump_traceback_later(150, exit=True)  # a hang shows where, before the test's kill
    from torch.nn.parallel import DistributedDataParallel
    # Within the test's 240 s: a lost peer ends the job before the test's timeout does.
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=180))
    rank = dist.get_rank()
    model = resume_model()
    start = [p.detach().clone() for p in model.parameters()]
    if sharded:
        for name in ("a", "b", "c", "d"):
            fully_shard(getattr(model, name))
        wrapped = fully_shard(model)
    else:
        wrapped = DistributedDataParallel(model)
    setup = importlib.import_module(module).build(wrapped)
    generator = torch.Generator().manual_seed(100 + rank)
    for _ in range(3):
        for _ in range(2):
            x = torch.randn(16, 6, generator=generator)
            y = torch.randint(0, 3, (16,), generator=generator)
            nn.functional.cross_entropy(wrapped(x), y).backward()
            setup.step()
        setup.epoch_end()
    whole = [p.full_tensor() if sharded else p for p in model.parameters()]
    flat = torch.cat([p.detach().reshape(-1) for p in whole])
    gathered = [torch.zeros_like(flat) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, flat)
    moved = max((p.detach() - s).abs().max().item() for p, s in zip(whole, start))
    out = {"world": dist.get_world_size(),
           "identical": all(torch.equal(gathered[0], g) for g in gathered),
           "moved": moved, "lr": setup.lr()}
    dist.barrier()  # no rank tears down while another's collectives may still run
    del setup, wrapped  # the DDP/FSDP state goes while its process group still exists
    dist.destroy_process_group()
    return out if rank == 0 else None


def main():
    command, arguments = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, ".")
    result = {"groups": groups, "strict": strict, "resume": resume, "ddp": ddp, "rates": rates,
              "fsdp": lambda module: ddp(module, sharded=True),
              "fixture": fixture, "clip": clip, "runlength": run_length}[command](*arguments)
    if result is not None:
        print(json.dumps(result))
    if command in ("ddp", "fsdp"):
        # Once under load a rank hung in teardown after its work was done (a gloo thread
        # being joined): the job's outcome is printed, so the process ends here.
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
