"""Drives an exported build(model) module for the Swift tests (ExportModuleTests).

    python harness.py groups PROGRAM MODULE   # the groups build() makes, as JSON
    python harness.py strict MODULE           # build() on mismatched and wrapped models
    python harness.py resume OLD NEW [GROWN]  # state_dict() of OLD loaded by NEW (and GROWN)
    python harness.py rates PROGRAM MODULE EPOCHS STEPS  # lr() before every step()
    torchrun --nproc_per_node=2 harness.py ddp MODULE  # DDP in the user's own loop

Prints one JSON object on standard output (rank 0 only under torchrun).
"""

import copy
import importlib
import io
import json
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


def ddp(module):
    """Two processes, each with its own data, DDP in the user's own loop: after the steps
    both ranks must hold the same parameters, and they must have moved."""
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    model = resume_model()
    start = [p.detach().clone() for p in model.parameters()]
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
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    gathered = [torch.zeros_like(flat) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, flat)
    moved = max((p.detach() - s).abs().max().item() for p, s in zip(model.parameters(), start))
    out = {"world": dist.get_world_size(),
           "identical": all(torch.equal(gathered[0], g) for g in gathered),
           "moved": moved, "lr": setup.lr()}
    dist.destroy_process_group()
    return out if rank == 0 else None


def main():
    command, arguments = sys.argv[1], sys.argv[2:]
    sys.path.insert(0, ".")
    result = {"groups": groups, "strict": strict, "resume": resume, "ddp": ddp, "rates": rates}[command](*arguments)
    if result is not None:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
