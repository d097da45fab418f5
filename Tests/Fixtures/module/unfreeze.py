"""Drives an exported build(model) module of a script with `freeze ... until epoch N` for
the Swift tests (ExportModuleUnfreezeTests), in the loop the module's docstring shows.

    python unfreeze.py PROGRAM MODULE STOP
    torchrun --nproc_per_node=2 unfreeze.py ddp PROGRAM MODULE

PROGRAM (the script's exported program) gives the model, the data and the run's constants;
MODULE is the build(model) module. Runs the whole run, recording each step's loss, then
again stopped after STOP epochs with setup.state_dict() and the weights carried into a
fresh model and setup that finishes it. Prints one JSON object: the losses, whether the
resumed run's weights equal the uninterrupted ones, and which parameters required grad
after each epoch_end(). The ddp form runs the same loop with the model wrapped in
DistributedDataParallel(find_unused_parameters=True) before build(), each process taking
half of every batch, and reports the losses (averaged over the processes), whether the
weights agree across the processes, and build()'s refusal of a DDP wrapper without
find_unused_parameters.
"""

import copy
import datetime
import importlib
import json
import os
import sys

import torch
from safetensors.torch import load_file


def fresh(program, module):
    torch.manual_seed(program.SEED)
    model = program.build_model()
    model.load_state_dict(load_file(program.path("init.safetensors")))
    return model, module.build(model)


def epochs(program, model, setup, first, last, losses, trained):
    (x, y), _ = program.load_data()
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(first, last):
        for i in range(0, len(x), program.BATCH_SIZE):
            loss = loss_fn(model(x[i:i + program.BATCH_SIZE]), y[i:i + program.BATCH_SIZE])
            loss.backward()
            losses.append(loss.item())
            setup.step()
        setup.epoch_end()
        trained.append([n for n, p in model.named_parameters() if p.requires_grad])


def ddp(program, module):
    from torch import distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    # Within the test's 240 s: a lost peer ends the job before the test's timeout does.
    dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=180))
    rank, world = dist.get_rank(), dist.get_world_size()
    torch.manual_seed(program.SEED)
    model = program.build_model()
    model.load_state_dict(load_file(program.path("init.safetensors")))
    wrapped = DistributedDataParallel(model, find_unused_parameters=True)
    setup = module.build(wrapped)
    (x, y), _ = program.load_data()
    loss_fn = torch.nn.CrossEntropyLoss()
    losses = []
    for _ in range(program.EPOCHS):
        for i in range(0, len(x), program.BATCH_SIZE):
            xb, yb = x[i:i + program.BATCH_SIZE], y[i:i + program.BATCH_SIZE]
            share = len(xb) // world
            mine = slice(rank * share, (rank + 1) * share)
            loss = loss_fn(wrapped(xb[mine]), yb[mine])
            loss.backward()
            total = torch.tensor([loss.item()], dtype=torch.float64)
            dist.all_reduce(total)
            losses.append(total.item() / world)
            setup.step()
        setup.epoch_end()
    agree = True
    for tensor in model.state_dict().values():
        first = tensor.clone()
        dist.broadcast(first, 0)
        agree = agree and torch.equal(first, tensor)
    # The refused wrapper last, and gone before the job ends (a second live reducer at
    # teardown can abort the process).
    probe = DistributedDataParallel(copy.deepcopy(model))
    try:
        module.build(probe)
        refusal = None
    except ValueError as error:
        refusal = str(error)
    del probe, wrapped
    dist.barrier()
    if rank == 0:
        print(json.dumps({"losses": losses, "agree": agree, "refusal": refusal}))
    dist.destroy_process_group()


def main():
    if sys.argv[1] == "ddp":
        ddp(importlib.import_module(sys.argv[2]), importlib.import_module(sys.argv[3]))
        # As harness.py: the outcome is printed and the process group destroyed, so the
        # process ends here, without the C++ teardown at exit in which a gloo thread once
        # aborted the process under load ("terminate called without an active exception").
        sys.stdout.flush()
        os._exit(0)
    program = importlib.import_module(sys.argv[1])
    module = importlib.import_module(sys.argv[2])
    stop = int(sys.argv[3])
    losses, trained = [], []
    model, setup = fresh(program, module)
    frozen_at_build = [n for n, p in model.named_parameters() if not p.requires_grad]
    epochs(program, model, setup, 0, program.EPOCHS, losses, trained)
    whole = copy.deepcopy(model.state_dict())

    model, setup = fresh(program, module)
    epochs(program, model, setup, 0, stop, [], [])
    saved, weights = copy.deepcopy(setup.state_dict()), copy.deepcopy(model.state_dict())
    state_before = sorted(setup._names[id(p)] for o in setup.optimizers for p in o.state)
    model, setup = fresh(program, module)
    model.load_state_dict(weights)
    setup.load_state_dict(saved)
    epochs(program, model, setup, stop, program.EPOCHS, [], [])
    resumed = model.state_dict()
    print(json.dumps({
        "losses": losses,
        "frozen at build": frozen_at_build,
        "trained after epoch": trained,
        "state at stop": state_before,
        "resumed equal": all(torch.equal(whole[k], resumed[k]) for k in whole),
    }))


if __name__ == "__main__":
    main()
