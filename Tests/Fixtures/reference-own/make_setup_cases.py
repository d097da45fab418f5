#!/usr/bin/env python3
"""Reference cases for issue 15's training setups (clip, accumulate, wsd, the run-length
names), made by PyTorch 2.13 with shared/reference/refgen.py.

    "$TORCH_PYTHON" Tests/Fixtures/reference-own/make_setup_cases.py --out SCRATCH [--refgen DIR]

then copy SCRATCH/NAME into Tests/Fixtures/reference/. refgen's reference loop is replaced
by `run_train` below, the contract's section 15 loop:
  - `accumulate K`: zero_grad, then for each batch of a run of K (the epoch's last run may be
    shorter) forward, loss, (loss / K).backward(); then one optimizer step; the trace line's
    loss is the mean of the run's batch losses, and steps_per_epoch counts optimizer steps;
  - `clip NORM`: torch.nn.utils.clip_grad_norm_(every trained parameter, NORM) after the
    backward passes, before the step; the total norms are recorded in expected.json
    (`clip_total_norms`) so a case shows norms above and below the threshold.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from typing import Optional

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--refgen", default=os.environ.get("LRS_REFGEN")
                or os.path.join(HERE, "..", "..", "..", "..", "shared", "reference"))
ap.add_argument("--out", required=True)
ap.add_argument("--only", nargs="*")
ARGS = ap.parse_args()
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.normpath(ARGS.refgen))
import refgen as R  # noqa: E402
from refgen import Data, Group, Sched, ScheduleCase, TrainCase  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.optim import SGD, Adam, AdamW  # noqa: E402
from torch.optim import lr_scheduler as LS  # noqa: E402

torch.set_num_threads(1)


@dataclass
class SetupCase(TrainCase):
    clip: Optional[float] = None
    accumulate: int = 1


def run_train(case, init_sd, data, dtype, direct=False):
    """refgen.run_train with `accumulate` and `clip` (see the top)."""
    clip = getattr(case, "clip", None)
    k = getattr(case, "accumulate", 1)
    model = case.model()
    sd = {}
    for name, v in init_sd.items():
        t = torch.from_numpy(np.array(v))
        sd[name] = t.to(dtype) if t.is_floating_point() else t
    model.to(dtype)
    model.load_state_dict(sd, strict=True)
    model.train()
    named = dict(model.named_parameters())
    groups = case.groups(model)
    kinds = []
    for g in groups:
        if g.opt not in kinds:
            kinds.append(g.opt)
    optimizers, real_group = {}, {}
    for kind in kinds:
        gs = [g for g in groups if g.opt is kind]
        opt = kind([{"params": [named[p] for p in g.params], **g.hps} for g in gs])
        optimizers[kind] = opt
        for g, pg in zip(gs, opt.param_groups):
            real_group[g.name] = pg
    trained = [named[p] for g in groups for p in g.params]
    rates = {}
    direct_sched = None
    if direct:
        direct_sched = groups[0].sched.make(optimizers[groups[0].opt])
    else:
        for g in groups:
            if g.sched is not None:
                r = R.GroupRate(g, R._hps_for_throwaway(real_group[g.name]))
                r.sync(real_group[g.name])
                rates[g.name] = r

    def sched_step(per_step):
        if direct_sched is not None:
            if groups[0].sched.per_step == per_step:
                direct_sched.step()
            return
        for g in groups:
            if g.sched is not None and g.sched.per_step == per_step:
                rates[g.name].step()
                rates[g.name].sync(real_group[g.name])

    x = torch.from_numpy(np.ascontiguousarray(data.x)).to(dtype)
    y = (torch.from_numpy(data.y.astype(np.int64)) if data.y.dtype.kind in "iu"
         else torch.from_numpy(np.ascontiguousarray(data.y)).to(dtype))
    loss_fn = R._loss_fn(case.loss)
    n = x.shape[0]
    batches = [(x[i:i + case.batch], y[i:i + case.batch]) for i in range(0, n, case.batch)]
    runs = [batches[i:i + k] for i in range(0, len(batches), k)]
    trace, momenta, epoch_losses, norms = [], [], [], []
    step = 0
    for epoch in range(case.epochs):
        total = 0.0
        for run in runs:
            lrs = {g.name: float(real_group[g.name]["lr"]) for g in groups}
            momenta.append({})
            for opt in optimizers.values():
                opt.zero_grad()
            losses = []
            for xb, yb in run:
                loss = loss_fn(model(xb), yb)
                (loss / k).backward()
                losses.append(float(loss.item()))
                total += losses[-1] * xb.shape[0]
            if clip is not None:
                norms.append(float(torch.nn.utils.clip_grad_norm_(trained, clip)))
            for opt in optimizers.values():
                opt.step()
            trace.append({"epoch": epoch, "step": step, "loss": sum(losses) / len(losses), "lr": lrs})
            step += 1
            sched_step(True)
        epoch_losses.append(total / n)
        sched_step(False)
    final = {name: v.detach().cpu().numpy().copy() for name, v in model.state_dict().items()}
    return {"trace": trace, "momenta": momenta, "final": final, "epoch_losses": epoch_losses,
            "steps_per_epoch": len(runs), "samples": n, "groups": [g.name for g in groups],
            "group_params": {g.name: list(g.params) for g in groups},
            "optimizer_kinds": {g.name: g.opt.__name__ for g in groups}, "clip_total_norms": norms}


R.run_train = run_train


def class_data(rng, n, d, classes):
    x = rng.standard_normal((n, d)).astype(np.float32)
    w = rng.standard_normal((d, classes))
    y = np.argmax(x.astype(np.float64) @ w + 0.5 * rng.standard_normal((n, classes)), axis=1).astype(np.int64)
    return Data(x=x, y=y, files={"x.npy": x, "y.npy": y})


def mlp(d, h, c):
    return lambda: R.sequential([(None, nn.Linear(d, h)), (None, nn.ReLU()), ("out", nn.Linear(h, c))])


def wsd(warmup, decay, total, shape="linear", min_factor=0.0, warmup_factor=0.0):
    """Section 15's formula, operation for operation as lrs and its export compute it."""
    def factor(t):
        if t < warmup:
            return warmup_factor + (1 - warmup_factor) * t / warmup
        if t < total - decay:
            return 1.0
        p = (t - total + decay) / decay
        if shape == "linear":
            return 1 - (1 - min_factor) * p
        if shape == "cosine":
            return min_factor + (1 - min_factor) * (1 + math.cos(math.pi * p)) / 2
        return 1 - (1 - min_factor) * math.sqrt(p)
    return factor


def norms_both_sides(threshold):
    def verify(r):
        above = sum(1 for v in r["clip_total_norms"] if v > threshold)
        below = sum(1 for v in r["clip_total_norms"] if v < threshold)
        if not above or not below:
            raise AssertionError(f"norms {r['clip_total_norms']} not on both sides of {threshold}")
        return {"clip_total_norms": r["clip_total_norms"], "clip_norms_above": above, "clip_norms_below": below}
    return verify


TAIL = 'init "init.safetensors"\ndata npy "x.npy" "y.npy"\n'
CASES = []

CASES.append(SetupCase(
    "train_setup_clip", """\
# clip_grad_norm_ over every trained parameter before each step: a threshold the gradient
# norms cross both ways during the run (expected.json lists them).
seed 3
input 6
model < linear 6 16; relu; out: linear 16 3 >
optimizer sgd lr 0.2 momentum 0.9
""" + TAIL + """\
train epochs 4 batch 8 loss cross_entropy shuffle false clip 0.9
save "out.safetensors"
""",
    "SGD momentum 0.9, clip 0.9 (total gradient norms on both sides of it), 40 samples, batch 8, 4 epochs.",
    seed=3, data=lambda rng: class_data(rng, 40, 6, 3), model=mlp(6, 16, 3),
    groups=lambda m: [Group("all", SGD, {"lr": 0.2, "momentum": 0.9, "dampening": 0, "weight_decay": 0,
                                          "nesterov": False, "maximize": False},
                            params=[n for n, _ in m.named_parameters()])],
    epochs=4, batch=8, loss="cross_entropy", clip=0.9, verify=norms_both_sides(0.9)))

CASES.append(SetupCase(
    "train_setup_accumulate_short_run", """\
# accumulate 3 over 7 batches of 8 (50 samples, the last batch 2): runs of 3, 3 and 1, the
# short last run still steps; Adam with a per-step lambda over total_steps (9) and the
# epochs completed (per step, epoch is the step count over the 3 steps per epoch).
seed 5
input 5
model < linear 5 12; relu; out: linear 12 4 >
optimizer adam lr 0.01
schedule all lambda (1 - 0.5 * step / total_steps) * 0.8^epoch per step
""" + TAIL + """\
train epochs 3 batch 8 loss cross_entropy shuffle false accumulate 3
save "out.safetensors"
""",
    "Adam, accumulate 3 over 7 batches (runs 3, 3, 1), LambdaLR((1 - 0.5 step / total_steps) 0.8^epoch) "
    "per step with total_steps 9 and epoch = step // 3, 50 samples, 3 epochs.",
    seed=5, data=lambda rng: class_data(rng, 50, 5, 4), model=mlp(5, 12, 4),
    groups=lambda m: [Group("all", Adam, {"lr": 0.01}, params=[n for n, _ in m.named_parameters()],
                            sched=Sched(lambda o: LS.LambdaLR(o, lambda step: (1 - 0.5 * step / 9) * 0.8 ** (step // 3)), per_step=True))],
    epochs=3, batch=8, loss="cross_entropy", accumulate=3))

CASES.append(SetupCase(
    "train_setup_clip_accumulate_wsd", """\
# clip, accumulate and wsd together: 48 samples in batches of 6 (8 batches), runs of 2:
# 4 steps per epoch, 5 epochs, total_steps 20; warm-up round(total_steps / 8) = 2 (2.5 rounds
# to even), cosine decay over the last 6 steps to 0.1 of the rate.
seed 9
input 4
model < linear 4 10; relu; out: linear 10 3 >
optimizer adamw lr 0.02
let warm = round(total_steps / 8)
schedule all wsd warm 6 shape cosine min_factor 0.1
""" + TAIL + """\
train epochs 5 batch 6 loss cross_entropy shuffle false accumulate 2 clip 0.5
save "out.safetensors"
""",
    "AdamW, accumulate 2, clip 0.5, wsd(2, 6, cosine, min 0.1) over total_steps 20 with the warm-up "
    "round(total_steps / 8) (2.5 -> 2), 48 samples, batch 6, 5 epochs.",
    seed=9, data=lambda rng: class_data(rng, 48, 4, 3), model=mlp(4, 10, 3),
    groups=lambda m: [Group("all", AdamW, {"lr": 0.02}, params=[n for n, _ in m.named_parameters()],
                            sched=Sched(lambda o: LS.LambdaLR(o, wsd(2, 6, 20, "cosine", 0.1)), per_step=True))],
    epochs=5, batch=6, loss="cross_entropy", accumulate=2, clip=0.5))

SGD_HPS = {"lr": 0.1, "momentum": 0.9}
CASES.append(ScheduleCase(
    "sched_wsd_shapes", """\
# wsd in each shape: per step over total_steps (4 epochs x 5 steps = 20), and per epoch
# over the epochs.
model <
  a: linear 4 4
  b: linear 4 4
  c: linear 4 4
  d: linear 4 4
>
optimizer sgd lr 0.1 momentum 0.9
group a
group b
group c
group d
schedule a wsd 4 6
schedule b wsd 3 8 shape cosine min_factor 0.05 warmup_factor 0.1
schedule c wsd 0 10 shape sqrt min_factor 0.2
schedule d wsd 1 2 shape cosine per epoch
""",
    "wsd per step over total_steps 20: linear (4, 6), cosine (3, 8, min 0.05, warm-up from 0.1), sqrt "
    "(no warm-up, 10, min 0.2); per epoch over 4 epochs: cosine (1, 2).",
    epochs=4, steps_per_epoch=5,
    groups=lambda: [
        Group("a", SGD, SGD_HPS, sched=Sched(lambda o: LS.LambdaLR(o, wsd(4, 6, 20)), per_step=True)),
        Group("b", SGD, SGD_HPS, sched=Sched(lambda o: LS.LambdaLR(o, wsd(3, 8, 20, "cosine", 0.05, 0.1)),
                                             per_step=True)),
        Group("c", SGD, SGD_HPS, sched=Sched(lambda o: LS.LambdaLR(o, wsd(0, 10, 20, "sqrt", 0.2)), per_step=True)),
        Group("d", SGD, SGD_HPS, sched=Sched(lambda o: LS.LambdaLR(o, wsd(1, 2, 4, "cosine")))),
    ]))

if __name__ == "__main__":
    argv = ["--out", ARGS.out] + (["--only"] + ARGS.only if ARGS.only else [])
    sys.exit(R.main(CASES, ARGS.out, argv))
