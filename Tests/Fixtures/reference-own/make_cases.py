#!/usr/bin/env python3
"""The project's own PyTorch training reference cases for lrs (issue "training runs", item 5).

Run with the torch venv:

    "$TORCH_PYTHON" Tests/Fixtures/reference-own/make_cases.py [--refgen DIR] [--only NAME...]

It rewrites ./NAME/ beside this file for every case, deterministically, in shared/reference's
layout (case.lrs, expected.json, schedule.csv, data files, init.safetensors, trace.jsonl,
final.safetensors), so that shared/reference/check.py and Tests/EndToEndTests/
ReferenceCaseTests.swift check them like the visible cases.

refgen.py is imported from --refgen DIR, else $LRS_REFGEN, else ../../../../shared/reference
relative to this file (the generator only runs where shared/ exists; its output is committed).

refgen's reference loop is extended here (refgen.run_train is replaced by `run_train` below,
which keeps its results for the cases refgen's own loop could run):
  - the global generator is seeded with the case's seed and the model built before `init` is
    loaded, as `lrs run` does (torch.manual_seed(SEED); build_model(); load_state_dict(...)),
    so dropout masks and shuffled orders come from the same generator state as in lrs;
  - `shuffle true`: each epoch's batches come from DataLoader(TensorDataset(x, y),
    batch_size, shuffle=True) on the global generator (shuffle false: slices, no DataLoader,
    which would draw a seed even unshuffled);
  - an optimizer may get the `optimizer` statement's values as constructor arguments
    (OwnCase.ctor), as lrs's `export --to pytorch` writes them; it matters where torch reads
    a value from the constructor only: torch.optim.Adagrad's initial_accumulator_value,
    never read from a group;
  - `validate npy "XV" "YV"`: that data, evaluated the same way (VALIDATION below);
  - `split F`: the last floor(N * F + 0.5) samples are validation data, evaluated after each
    epoch in eval mode (no_grad, batches of the batch size, in order), and plateau steps on
    the validation loss.
Plateau cases also check that every decision is far from its threshold (so float32 rounding
in lrs cannot flip one) and record the margin.
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


def _refgen_dir(argv):
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--refgen")
    args, _ = ap.parse_known_args(argv)
    d = args.refgen or os.environ.get("LRS_REFGEN") or os.path.join(HERE, "..", "..", "..", "..", "shared", "reference")
    return os.path.normpath(d)


REFGEN_DIR = _refgen_dir(sys.argv[1:])
sys.dont_write_bytecode = True  # leave no __pycache__ beside refgen.py
if not os.path.isfile(os.path.join(REFGEN_DIR, "refgen.py")):
    raise SystemExit(f"make_cases.py: no refgen.py in {REFGEN_DIR} (give --refgen DIR or set LRS_REFGEN)")
sys.path.insert(0, REFGEN_DIR)
import refgen as R  # noqa: E402
from refgen import Data, Group, Sched, TrainCase  # noqa: E402

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.optim import SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam  # noqa: E402
from torch.optim import Muon, Adafactor, ASGD, Rprop  # noqa: E402
from torch.optim import lr_scheduler as LS  # noqa: E402

torch.set_num_threads(1)


# ----------------------------------------------------------------------------- the case type

@dataclass
class OwnCase(TrainCase):
    shuffle: bool = False
    split: Optional[float] = None     # validation: the last fraction of the data
    plateau: tuple = ()               # (group, mode, threshold, threshold_mode) decisions to keep clear of
    min_margin: float = 1e-3          # required relative distance of every plateau metric from its threshold
    ctor: Optional[dict] = None       # optimizer class -> constructor keyword arguments (the optimizer statement)
    hp_scheds: tuple = ()             # (group, "weight_decay" | "momentum", Sched): section 15's schedules
    unfreeze: tuple = ()              # (names, N): `freeze ... until epoch N`, requires_grad off before epoch N


# ----------------------------------------------------------------------------- reference loop

VALIDATION = {}  # case name -> (x, y) of its `validate` source, set by the case's data function

def run_train(case, init_sd, data, dtype, direct=False):
    """refgen.run_train with the contract's seeding, shuffling and validation (see the top)."""
    shuffle = getattr(case, "shuffle", False)
    split = getattr(case, "split", None)
    torch.manual_seed(case.seed)          # as `lrs run`: seed, build (default init), then load `init`
    model = case.model()
    sd = {}
    for k, v in init_sd.items():
        t = torch.from_numpy(np.array(v))
        if t.is_floating_point():
            t = t.to(dtype)
        sd[k] = t
    model.to(dtype)
    model.load_state_dict(sd, strict=True)
    model.train()
    named = dict(model.named_parameters())
    for n in case.frozen:
        named[n].requires_grad_(False)

    groups = case.groups(model)
    seen = {}
    for g in groups:
        for p in g.params:
            if p in seen:
                raise ValueError(f"{case.name}: {p} in groups {seen[p]} and {g.name}")
            if p in case.frozen:
                raise ValueError(f"{case.name}: frozen {p} in group {g.name}")
            seen[p] = g.name
    missing = [n for n in named if n not in seen and n not in case.frozen]
    if missing:
        raise ValueError(f"{case.name}: parameters in no group: {missing}")

    kinds = []
    for g in groups:
        if g.opt not in kinds:
            kinds.append(g.opt)
    optimizers = {}
    real_group = {}
    for k in kinds:
        gs = [g for g in groups if g.opt is k]
        ctor = (getattr(case, "ctor", None) or {}).get(k, {})
        opt = k([{"params": [named[p] for p in g.params], **g.hps} for g in gs], **ctor)
        optimizers[k] = opt
        for g, pg in zip(gs, opt.param_groups):
            real_group[g.name] = pg
    rates = {}
    direct_sched = None
    if direct:
        if not R._direct_possible(groups):
            raise ValueError("direct scheduler cross-check not applicable")
        direct_sched = groups[0].sched.make(optimizers[groups[0].opt])
    else:
        for g in groups:
            if g.sched is not None:
                r = R.GroupRate(g, R._hps_for_throwaway(real_group[g.name]))
                r.sync(real_group[g.name])
                rates[g.name] = r

    # Section 15: a group's weight_decay or momentum (betas[0] for Adam-like kinds) moved by
    # a learning-rate scheduler on a throwaway SGD whose lr starts at the group's value.
    hp_rates = []
    for gname, key, hsched in getattr(case, "hp_scheds", ()):
        pg = real_group[gname]
        betas = key == "momentum" and "betas" in pg
        own = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=pg["betas"][0] if betas else pg[key])
        hp_rates.append((pg, "betas" if betas else key, betas, own, hsched.make(own), hsched.per_step))

    def hp_sync():
        for pg, key, betas, own, _, _ in hp_rates:
            value = own.param_groups[0]["lr"]
            pg[key] = (value, pg["betas"][1]) if betas else value

    hp_sync()

    def sched_step(per_step, metric=None):
        for _, _, _, own, sch, ps in hp_rates:
            if ps == per_step:
                own.step()
                sch.step()
        lr_sched_step(per_step, metric)
        # last: refgen's rate sync copies the throwaway's (constant) momentum back
        hp_sync()

    def lr_sched_step(per_step, metric=None):
        if direct_sched is not None:
            if groups[0].sched.per_step == per_step:
                if groups[0].sched.plateau:
                    direct_sched.step(metric)
                else:
                    direct_sched.step()
            return
        for g in groups:
            if g.sched is not None and g.sched.per_step == per_step:
                rates[g.name].step(metric)
                rates[g.name].sync(real_group[g.name])

    x = torch.from_numpy(np.ascontiguousarray(data.x)).to(dtype)
    if data.y.dtype.kind in "iu":
        y = torch.from_numpy(data.y.astype(np.int64))
    else:
        y = torch.from_numpy(np.ascontiguousarray(data.y)).to(dtype)
        if y.dim() == 1:  # one regression column (csv): targets [N, 1], as lrs reads them
            y = y.reshape(-1, 1)
    vx = vy = None
    if case.name in VALIDATION:  # `validate npy ...`: another source
        vdx, vdy = VALIDATION[case.name]
        vx = torch.from_numpy(np.ascontiguousarray(vdx)).to(dtype)
        vy = torch.from_numpy(vdy.astype(np.int64)) if vdy.dtype.kind in "iu" else torch.from_numpy(vdy).to(dtype)
    if split is not None:
        n_all = x.shape[0]
        n_train = n_all - math.floor(n_all * split + 0.5)
        x, vx = x[:n_train], x[n_train:]
        y, vy = y[:n_train], y[n_train:]
    loss_fn = R._loss_fn(case.loss)
    n = x.shape[0]
    k_steps = math.ceil(n / case.batch)

    def batches():
        if shuffle:
            from torch.utils.data import DataLoader, TensorDataset
            return iter(DataLoader(TensorDataset(x, y), batch_size=case.batch, shuffle=True))
        return ((x[i:i + case.batch], y[i:i + case.batch]) for i in range(0, n, case.batch))

    def evaluate():
        model.eval()
        total = 0.0
        with torch.no_grad():
            for i in range(0, vx.shape[0], case.batch):
                xb, yb = vx[i:i + case.batch], vy[i:i + case.batch]
                total += float(loss_fn(model(xb), yb).item()) * xb.shape[0]
        model.train()
        return total / vx.shape[0]

    trace = []
    momenta = []
    epoch_losses = []
    val_losses = []
    step = 0
    for epoch in range(case.epochs):
        # Section 15's timed unfreezing as fastai does it: requires_grad switched at the
        # epoch's start; while off, .grad stays None and every torch optimizer skips them.
        for unfrozen, first in getattr(case, "unfreeze", ()):
            for name in unfrozen:
                named[name].requires_grad_(epoch >= first)
        total = 0.0
        count = 0
        for xb, yb in batches():
            lrs = {g.name: float(real_group[g.name]["lr"]) for g in groups}
            mom = {}
            for g in groups:
                pg = real_group[g.name]
                if "betas" in pg:
                    mom[g.name] = float(pg["betas"][0])
                elif "momentum" in pg:
                    mom[g.name] = float(pg["momentum"])
            momenta.append(mom)
            for opt in optimizers.values():
                opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            for opt in optimizers.values():
                opt.step()
            lv = float(loss.item())
            trace.append({"epoch": epoch, "step": step, "loss": lv, "lr": lrs})
            total += lv * xb.shape[0]
            count += 1
            step += 1
            sched_step(True)
        assert count == k_steps
        mean = total / n
        epoch_losses.append(mean)
        metric = mean
        if vx is not None and vx.shape[0] > 0:
            metric = evaluate()
            val_losses.append(metric)
        sched_step(False, metric)

    final = {}
    for k, v in model.state_dict().items():
        final[k] = v.detach().cpu().numpy().copy()
    return {
        "trace": trace,
        "momenta": momenta,
        "final": final,
        "epoch_losses": epoch_losses,
        "validation_losses": val_losses,
        "steps_per_epoch": k_steps,
        "samples": n,
        "groups": [g.name for g in groups],
        "group_params": {g.name: list(g.params) for g in groups},
        "optimizer_kinds": {g.name: g.opt.__name__ for g in groups},
    }


R.run_train = run_train  # build_train_case and its replay call it through the module


def plateau_margins(case, r):
    """The smallest relative distance between an epoch's plateau metric and the bound it had
    to beat (torch's is_better), per declared plateau group; fails when one is too close."""
    metrics = r["validation_losses"] or r["epoch_losses"]
    out = {}
    for name, mode, thr, thr_mode in case.plateau:
        best = math.inf if mode == "min" else -math.inf
        worst = math.inf
        for m in metrics:
            if math.isfinite(best):
                if mode == "min":
                    bound = best * (1 - thr) if thr_mode == "rel" else best - thr
                    better = m < bound
                else:
                    bound = best * (thr + 1) if thr_mode == "rel" else best + thr
                    better = m > bound
                worst = min(worst, abs(m - bound) / abs(m))
            else:
                better = True
            if better:
                best = m
        if worst < case.min_margin:
            raise AssertionError(f"{case.name}: plateau metric of group {name} within {worst:.3g} (relative) "
                                 f"of its threshold; redesign the case")
        out[name] = worst
    return {"plateau_metrics": metrics, "plateau_min_relative_margin": out}


# ----------------------------------------------------------------------------- data

def f32_exact(a):
    """float64 values that are exactly float32 numbers (so text and float64 files carry no
    rounding that lrs and torch could resolve differently)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def class_data(rng, n, shape, classes, label_dtype=np.int64):
    x = rng.standard_normal((n,) + tuple(shape)).astype(np.float32)
    w = rng.standard_normal((int(np.prod(shape)), classes))
    logits = x.reshape(n, -1).astype(np.float64) @ w + 0.5 * rng.standard_normal((n, classes))
    y = np.argmax(logits, axis=1).astype(np.int64)
    return Data(x=x, y=y, files={"x.npy": x, "y.npy": y.astype(label_dtype)})


def regression_data(rng, n, d_in, d_out):
    x = rng.standard_normal((n, d_in)).astype(np.float32)
    w1 = rng.standard_normal((d_in, 8)) / np.sqrt(d_in)
    w2 = rng.standard_normal((8, d_out))
    y = (np.tanh(x.astype(np.float64) @ w1) @ w2 + 0.1 * rng.standard_normal((n, d_out))).astype(np.float32)
    return Data(x=x, y=y, files={"x.npy": x, "y.npy": y})


def f64_regression_data(rng, n, d_in, d_out):
    """npy float64 inputs and targets (lrs reads them as float32, as torch trains on)."""
    d = regression_data(rng, n, d_in, d_out)
    x64, y64 = f32_exact(d.x) * 1.0, f32_exact(d.y) * 1.0
    return Data(x=d.x, y=d.y, files={"x.npy": x64, "y.npy": y64})


def fmt_csv(v) -> str:
    v = float(v)
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v)


def csv_class_data(rng, n, d_in, classes, label_at, names):
    """A csv with a header; the class label in column `label_at` (whole numbers)."""
    d = class_data(rng, n, (d_in,), classes)
    rows = []
    for xi, yi in zip(f32_exact(d.x), d.y):
        vals = [fmt_csv(v) for v in xi]
        vals.insert(label_at, str(int(yi)))
        rows.append(",".join(vals))
    text = ",".join(names) + "\n" + "\n".join(rows) + "\n"
    return Data(x=d.x, y=d.y, files={"data.csv": text})


def csv_regression_data(rng, n, d_in):
    """A csv without a header: the regression target in column 0."""
    x = rng.standard_normal((n, d_in)).astype(np.float32)
    w = rng.standard_normal(d_in) / np.sqrt(d_in)
    y = (np.sin(x.astype(np.float64) @ w) + 0.05 * rng.standard_normal(n)).astype(np.float32)
    rows = [",".join([fmt_csv(t)] + [fmt_csv(v) for v in xi]) for xi, t in zip(f32_exact(x), f32_exact(y))]
    return Data(x=x, y=y.reshape(n, 1), files={"data.csv": "\n".join(rows) + "\n"})


# ----------------------------------------------------------------------------- helpers

FlattenLinear = R.make_flatten_linear()
seq = R.sequential
TAIL = 'data npy "x.npy" "y.npy"\n'


def names(m, *layers):
    """Parameter names of the given layers (state_dict order)."""
    out = []
    for n, _ in m.named_parameters():
        if n.split(".")[0] in layers:
            out.append(n)
    return out


def mlp(*spec):
    """Layers from a compact spec: ints are linear widths, strings activations."""
    layers = []
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "gelu": nn.GELU}
    width = None
    for s in spec:
        if isinstance(s, int):
            if width is not None:
                layers.append((None, nn.Linear(width, s)))
            width = s
        else:
            layers.append((None, acts[s]()))
    return layers


CASES = []


def case(name, script, description, **kw):
    kw.setdefault("batch", 16)
    CASES.append(OwnCase(name, script, description, **kw))


# ============================================================================= optimizers

case("opt_sgd_variants", """\
# SGD in four groups: momentum with dampening and weight decay, plain, Nesterov with weight
# decay, and gradient ascent (maximize) on the output layer. 56 samples, batch 16 (last 8).
seed 11
input 6
model < linear 6 16; relu; linear 16 8; tanh; out: linear 8 3 >
init "init.safetensors"
optimizer sgd lr 0.05
group "0.weight" momentum 0.9 dampening 0.3 weight_decay 1e-3 as damped
group "0.bias" as plain
group "2.*" momentum 0.8 nesterov true weight_decay 1e-2 as nesterov
group out lr 0.01 momentum 0.5 maximize true as ascent
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "SGD: momentum 0.9 + dampening 0.3 + weight_decay; plain; nesterov + weight_decay; maximize "
     "with momentum; 56 samples, batch 16 (partial last batch), 3 epochs, cross_entropy.",
     seed=11, data=lambda rng: class_data(rng, 56, (6,), 3),
     model=lambda: seq(mlp(6, 16, "relu", 8, "tanh") + [("out", nn.Linear(8, 3))]),
     groups=lambda m: [
         Group("damped", SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 1e-3}, ["0.weight"]),
         Group("plain", SGD, {"lr": 0.05}, ["0.bias"]),
         Group("nesterov", SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 1e-2},
               ["2.weight", "2.bias"]),
         Group("ascent", SGD, {"lr": 0.01, "momentum": 0.5, "maximize": True}, ["out.weight", "out.bias"]),
     ],
     epochs=3, loss="cross_entropy")

case("opt_adam_amsgrad", """\
# Adam with its own betas and eps; the first layer with amsgrad and L2 weight decay, the
# last layer maximizing (a few small ascent steps).
seed 12
input 8
model < linear 8 16; relu; linear 16 12; gelu; linear 12 4 >
init "init.safetensors"
optimizer adam lr 0.01 betas 0.85 0.995 eps 1e-7
group "0.*" amsgrad true weight_decay 0.01 as ams
group "2.*" as plain
group "4.*" lr 0.001 maximize true as ascent
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adam betas (0.85, 0.995) eps 1e-7: amsgrad + weight_decay 0.01; plain; maximize; 64 samples, 3 epochs.",
     seed=12, data=lambda rng: class_data(rng, 64, (8,), 4),
     model=lambda: seq(mlp(8, 16, "relu", 12, "gelu", 4)),
     groups=lambda m: [
         Group("ams", Adam, {"lr": 0.01, "betas": (0.85, 0.995), "eps": 1e-7, "amsgrad": True, "weight_decay": 0.01},
               names(m, "0")),
         Group("plain", Adam, {"lr": 0.01, "betas": (0.85, 0.995), "eps": 1e-7}, names(m, "2")),
         Group("ascent", Adam, {"lr": 0.001, "betas": (0.85, 0.995), "eps": 1e-7, "maximize": True}, names(m, "4")),
     ],
     epochs=3, loss="cross_entropy")

case("opt_adamw", """\
# AdamW (decoupled weight decay, default 0.01): weights with amsgrad, biases without decay,
# on a regression (mse).
seed 13
input 5
model < linear 5 24; tanh; linear 24 3 >
init "init.safetensors"
optimizer adamw lr 0.01
group "*.weight" amsgrad true as weights
group "*.bias" weight_decay 0 betas 0.8 0.9 as biases
""" + TAIL + """\
train epochs 4 batch 16 loss mse shuffle false
save "out.safetensors"
""",
     "AdamW default weight_decay 0.01 with amsgrad on weights; biases weight_decay 0 betas (0.8, 0.9); "
     "regression [60, 3], mse, batch 16 (last 12), 4 epochs.",
     seed=13, data=lambda rng: regression_data(rng, 60, 5, 3),
     model=lambda: seq(mlp(5, 24, "tanh", 3)),
     groups=lambda m: [
         Group("weights", AdamW, {"lr": 0.01, "amsgrad": True}, ["0.weight", "2.weight"]),
         Group("biases", AdamW, {"lr": 0.01, "weight_decay": 0.0, "betas": (0.8, 0.9)}, ["0.bias", "2.bias"]),
     ],
     epochs=4, loss="mse")

case("opt_rmsprop", """\
# RMSprop: centered with momentum, alpha and weight decay; heavy momentum; plain with eps.
seed 14
input 8
model < linear 8 16; relu; linear 16 16; relu; linear 16 4 >
init "init.safetensors"
optimizer rmsprop lr 0.003
group "0.*" centered true momentum 0.5 alpha 0.95 weight_decay 1e-3 as centered
group "2.*" momentum 0.9 as heavy
group "4.*" eps 1e-6 maximize false as plain
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "RMSprop centered + momentum 0.5 + alpha 0.95 + weight_decay; momentum 0.9; plain eps 1e-6; "
     "60 samples, batch 16, 3 epochs.",
     seed=14, data=lambda rng: class_data(rng, 60, (8,), 4),
     model=lambda: seq(mlp(8, 16, "relu", 16, "relu", 4)),
     groups=lambda m: [
         Group("centered", RMSprop, {"lr": 0.003, "centered": True, "momentum": 0.5, "alpha": 0.95,
                                     "weight_decay": 1e-3}, names(m, "0")),
         Group("heavy", RMSprop, {"lr": 0.003, "momentum": 0.9}, names(m, "2")),
         Group("plain", RMSprop, {"lr": 0.003, "eps": 1e-6, "maximize": False}, names(m, "4")),
     ],
     epochs=3, loss="cross_entropy")

case("opt_adagrad", """\
# Adagrad: lr_decay and initial_accumulator_value as defaults, one group with weight decay and
# eps. torch.optim.Adagrad reads initial_accumulator_value from its constructor only, so the
# second group's own 0 is ignored (lrs warns) and its accumulators start at 0.1 too.
seed 15
input 7
model < linear 7 16; sigmoid; linear 16 3 >
init "init.safetensors"
optimizer adagrad lr 0.1 lr_decay 0.01 initial_accumulator_value 0.1
group "0.*" weight_decay 1e-3 eps 1e-6 as decayed
group "2.*" lr 0.2 initial_accumulator_value 0 as fresh
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adagrad(lr 0.1, lr_decay 0.01, initial_accumulator_value 0.1) (+ weight_decay, eps) and a group with "
     "lr 0.2 and initial_accumulator_value 0, which torch ignores (constructor only): both start at 0.1; "
     "50 samples, batch 16 (last 2), 3 epochs.",
     seed=15, data=lambda rng: class_data(rng, 50, (7,), 3),
     model=lambda: seq(mlp(7, 16, "sigmoid", 3)),
     groups=lambda m: [
         Group("decayed", Adagrad, {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1,
                                    "weight_decay": 1e-3, "eps": 1e-6}, names(m, "0")),
         Group("fresh", Adagrad, {"lr": 0.2, "lr_decay": 0.01, "initial_accumulator_value": 0.0}, names(m, "2")),
     ],
     ctor={Adagrad: {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}},
     epochs=3, loss="cross_entropy")

case("opt_adadelta", """\
# Adadelta: rho and eps, weight decay on one group, maximize on none.
seed 16
input 6
model < linear 6 20; tanh; linear 20 2 >
init "init.safetensors"
optimizer adadelta lr 1.0 rho 0.8
group "0.*" weight_decay 1e-3 eps 1e-5 as decayed
group "2.*" lr 0.5 as half
""" + TAIL + """\
train epochs 3 batch 16 loss mse shuffle false
save "out.safetensors"
""",
     "Adadelta lr 1.0 rho 0.8, weight_decay 1e-3 + eps 1e-5 group and lr 0.5 group; regression, mse, 3 epochs.",
     seed=16, data=lambda rng: regression_data(rng, 48, 6, 2),
     model=lambda: seq(mlp(6, 20, "tanh", 2)),
     groups=lambda m: [
         Group("decayed", Adadelta, {"lr": 1.0, "rho": 0.8, "weight_decay": 1e-3, "eps": 1e-5}, names(m, "0")),
         Group("half", Adadelta, {"lr": 0.5, "rho": 0.8}, names(m, "2")),
     ],
     epochs=3, loss="mse")

case("opt_adamax", """\
# Adamax: betas and weight decay as defaults, one group with its own eps and maximize.
seed 17
input 6
model < linear 6 16; relu; linear 16 4 >
init "init.safetensors"
optimizer adamax lr 0.01 betas 0.8 0.99 weight_decay 1e-3
group "0.*" as first
group "2.*" eps 1e-6 lr 0.002 maximize true as ascent
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adamax betas (0.8, 0.99) weight_decay 1e-3; a group with eps 1e-6, lr 0.002 and maximize; 3 epochs.",
     seed=17, data=lambda rng: class_data(rng, 52, (6,), 4),
     model=lambda: seq(mlp(6, 16, "relu", 4)),
     groups=lambda m: [
         Group("first", Adamax, {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 1e-3}, names(m, "0")),
         Group("ascent", Adamax, {"lr": 0.002, "betas": (0.8, 0.99), "weight_decay": 1e-3, "eps": 1e-6,
                                  "maximize": True}, names(m, "2")),
     ],
     epochs=3, loss="cross_entropy")

case("opt_nadam", """\
# NAdam: momentum_decay, L2 weight decay, and decoupled weight decay, one group each.
seed 18
input 8
model < linear 8 16; gelu; linear 16 16; gelu; linear 16 3 >
init "init.safetensors"
optimizer nadam lr 0.005
group "0.*" momentum_decay 0.01 as fast_decay
group "2.*" weight_decay 0.01 as coupled
group "4.*" weight_decay 0.05 decoupled_weight_decay true betas 0.85 0.99 as decoupled
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "NAdam momentum_decay 0.01; weight_decay 0.01; decoupled_weight_decay with weight_decay 0.05 and "
     "betas (0.85, 0.99); 60 samples, 4 epochs (16 steps: the mu product keeps growing).",
     seed=18, data=lambda rng: class_data(rng, 60, (8,), 3),
     model=lambda: seq(mlp(8, 16, "gelu", 16, "gelu", 3)),
     groups=lambda m: [
         Group("fast_decay", NAdam, {"lr": 0.005, "momentum_decay": 0.01}, names(m, "0")),
         Group("coupled", NAdam, {"lr": 0.005, "weight_decay": 0.01}, names(m, "2")),
         Group("decoupled", NAdam, {"lr": 0.005, "weight_decay": 0.05, "decoupled_weight_decay": True,
                                    "betas": (0.85, 0.99)}, names(m, "4")),
     ],
     epochs=4, loss="cross_entropy")

case("opt_radam", """\
# RAdam over 20 steps (the rectification starts at step 6): decoupled and L2 weight decay.
seed 19
input 6
model < linear 6 16; relu; linear 16 8; tanh; linear 8 3 >
init "init.safetensors"
optimizer radam lr 0.01
group "0.*" weight_decay 0.02 decoupled_weight_decay true as decoupled
group "2.*" weight_decay 0.01 as coupled
group "4.*" betas 0.8 0.99 eps 1e-6 as plain
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "RAdam decoupled_weight_decay (0.02); weight_decay 0.01; betas (0.8, 0.99) eps 1e-6; 80 samples, "
     "batch 16, 4 epochs = 20 steps (unrectified then rectified updates).",
     seed=19, data=lambda rng: class_data(rng, 80, (6,), 3),
     model=lambda: seq(mlp(6, 16, "relu", 8, "tanh", 3)),
     groups=lambda m: [
         Group("decoupled", RAdam, {"lr": 0.01, "weight_decay": 0.02, "decoupled_weight_decay": True}, names(m, "0")),
         Group("coupled", RAdam, {"lr": 0.01, "weight_decay": 0.01}, names(m, "2")),
         Group("plain", RAdam, {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}, names(m, "4")),
     ],
     epochs=4, loss="cross_entropy")

case("opt_adam_decoupled", """\
# Adam with decoupled_weight_decay (PyTorch 2.13; AdamW's update) from the optimizer statement,
# with amsgrad on one group, and a group that turns it off again (L2 weight decay).
seed 24
input 6
model < linear 6 16; relu; linear 16 8; tanh; linear 8 3 >
init "init.safetensors"
optimizer adam lr 0.01 weight_decay 0.05 decoupled_weight_decay true
group "0.*" as decoupled
group "2.*" amsgrad true as decoupled_ams
group "4.*" decoupled_weight_decay false as coupled
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adam(weight_decay 0.05, decoupled_weight_decay true) as constructor arguments; a group with amsgrad; "
     "a group with decoupled_weight_decay false (L2 decay); 64 samples, batch 16, 4 epochs.",
     seed=24, data=lambda rng: class_data(rng, 64, (6,), 3),
     model=lambda: seq(mlp(6, 16, "relu", 8, "tanh", 3)),
     groups=lambda m: [
         Group("decoupled", Adam, {}, names(m, "0")),
         Group("decoupled_ams", Adam, {"amsgrad": True}, names(m, "2")),
         Group("coupled", Adam, {"decoupled_weight_decay": False}, names(m, "4")),
     ],
     ctor={Adam: {"lr": 0.01, "weight_decay": 0.05, "decoupled_weight_decay": True}},
     epochs=4, loss="cross_entropy")

case("opt_adamw_decoupled", """\
# AdamW with decoupled_weight_decay written out (true, its only value: PyTorch's AdamW sets it
# and takes no such argument), beside an Adam group with decoupled_weight_decay true.
seed 25
input 5
model < linear 5 16; tanh; linear 16 3 >
init "init.safetensors"
optimizer adamw lr 0.01 weight_decay 0.1 decoupled_weight_decay true maximize false
group "0.*" as adamw
group "2.*" optimizer adam lr 0.01 weight_decay 0.1 decoupled_weight_decay true as adam_decoupled
""" + TAIL + """\
train epochs 4 batch 16 loss mse shuffle false
save "out.safetensors"
""",
     "AdamW(weight_decay 0.1) with decoupled_weight_decay true written on the optimizer statement; an Adam "
     "group with weight_decay 0.1 decoupled_weight_decay true; regression [60, 3], mse, 4 epochs.",
     seed=25, data=lambda rng: regression_data(rng, 60, 5, 3),
     model=lambda: seq(mlp(5, 16, "tanh", 3)),
     groups=lambda m: [
         Group("adamw", AdamW, {}, names(m, "0")),
         Group("adam_decoupled", Adam, {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True},
               names(m, "2")),
     ],
     ctor={AdamW: {"lr": 0.01, "weight_decay": 0.1, "maximize": False}},
     epochs=4, loss="mse")

case("opt_nadam_maximize", """\
# NAdam with maximize (PyTorch 2.13): ascent, ascent with decoupled weight decay, and descent
# with maximize false written out.
seed 26
input 8
model < linear 8 16; gelu; linear 16 16; gelu; linear 16 3 >
init "init.safetensors"
optimizer nadam lr 0.004 maximize true
group "0.*" as ascent
group "2.*" weight_decay 0.05 decoupled_weight_decay true as ascent_decoupled
group "4.*" maximize false weight_decay 0.01 lr 0.01 as descent
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "NAdam(lr 0.004, maximize true); a maximize group with weight_decay 0.05 decoupled_weight_decay true; "
     "a group with maximize false, weight_decay 0.01, lr 0.01; 60 samples, 4 epochs.",
     seed=26, data=lambda rng: class_data(rng, 60, (8,), 3),
     model=lambda: seq(mlp(8, 16, "gelu", 16, "gelu", 3)),
     groups=lambda m: [
         Group("ascent", NAdam, {}, names(m, "0")),
         Group("ascent_decoupled", NAdam, {"weight_decay": 0.05, "decoupled_weight_decay": True}, names(m, "2")),
         Group("descent", NAdam, {"maximize": False, "weight_decay": 0.01, "lr": 0.01}, names(m, "4")),
     ],
     ctor={NAdam: {"lr": 0.004, "maximize": True}},
     epochs=4, loss="cross_entropy")

case("opt_radam_maximize", """\
# RAdam with maximize (PyTorch 2.13) over 20 steps (unrectified, then rectified from step 6):
# ascent, ascent with decoupled weight decay, and descent with maximize false written out.
seed 27
input 6
model < linear 6 16; relu; linear 16 8; tanh; linear 8 3 >
init "init.safetensors"
optimizer radam lr 0.004 maximize true
group "0.*" as ascent
group "2.*" weight_decay 0.02 decoupled_weight_decay true betas 0.8 0.99 as ascent_decoupled
group "4.*" maximize false lr 0.01 as descent
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "RAdam(lr 0.004, maximize true); a maximize group with weight_decay 0.02 decoupled_weight_decay true "
     "betas (0.8, 0.99); a group with maximize false, lr 0.01; 80 samples, batch 16, 4 epochs = 20 steps.",
     seed=27, data=lambda rng: class_data(rng, 80, (6,), 3),
     model=lambda: seq(mlp(6, 16, "relu", 8, "tanh", 3)),
     groups=lambda m: [
         Group("ascent", RAdam, {}, names(m, "0")),
         Group("ascent_decoupled", RAdam, {"weight_decay": 0.02, "decoupled_weight_decay": True, "betas": (0.8, 0.99)},
               names(m, "2")),
         Group("descent", RAdam, {"maximize": False, "lr": 0.01}, names(m, "4")),
     ],
     ctor={RAdam: {"lr": 0.004, "maximize": True}},
     epochs=4, loss="cross_entropy")

# ----------------------------------------------------------------- muon, adafactor, asgd, rprop

case("opt_muon_adamw_split", """\
# Muon on the matrices, AdamW (the optimizer statement, cosine per epoch) on the vectors:
# a model with 2-D weights and 1-D biases and layernorm parameters.
seed 41
input 10
model < linear 10 24; layernorm 24; gelu; linear 24 16; relu; linear 16 4 >
init "init.safetensors"
optimizer adamw lr 0.005
group all where ndim == 2 optimizer muon lr 0.01 as matrices
group rest as vectors
schedule vectors cosine 4
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Muon (lr 0.01, PyTorch's defaults otherwise) on the three 2-D weights, AdamW lr 0.005 with "
     "CosineAnnealingLR(4) on biases and layernorm; 72 samples, batch 16 (last 8), 4 epochs.",
     seed=41, data=lambda rng: class_data(rng, 72, (10,), 4),
     model=lambda: seq([(None, nn.Linear(10, 24)), (None, nn.LayerNorm(24)), (None, nn.GELU()),
                        (None, nn.Linear(24, 16)), (None, nn.ReLU()), (None, nn.Linear(16, 4))]),
     groups=lambda m: [
         Group("matrices", Muon, {"lr": 0.01}, ["0.weight", "3.weight", "5.weight"]),
         Group("vectors", AdamW, {"lr": 0.005}, ["0.bias", "1.weight", "1.bias", "3.bias", "5.bias"],
               Sched(lambda o: LS.CosineAnnealingLR(o, T_max=4))),
     ],
     epochs=4, loss="cross_entropy")

case("opt_muon_options", """\
# Muon's options: the statement's weight decay, momentum and match_rms_adamw; a group without
# Nesterov and with its own Newton-Schulz coefficients, steps and eps. SGD on the biases.
seed 42
input 12
model < linear 12 20; tanh; linear 20 8; relu; linear 8 3 >
init "init.safetensors"
optimizer muon lr 0.01 weight_decay 0.05 momentum 0.9 adjust_lr_fn match_rms_adamw
group "0.weight" as first
group "2.weight" nesterov false ns_coefficients 3 -3.2 1.2 ns_steps 3 eps 1e-5 as second
group "4.weight" lr 0.03 adjust_lr_fn original as last
group "*.bias" optimizer sgd lr 0.05 momentum 0.9 as biases
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Muon weight_decay 0.05 momentum 0.9 adjust_lr_fn match_rms_adamw; a group with nesterov False, "
     "ns_coefficients (3, -3.2, 1.2), ns_steps 3, eps 1e-5; a group back to 'original'; SGD on biases; "
     "64 samples, 3 epochs.",
     seed=42, data=lambda rng: class_data(rng, 64, (12,), 3),
     model=lambda: seq(mlp(12, 20, "tanh", 8, "relu", 3)),
     groups=lambda m: [
         Group("first", Muon, {"lr": 0.01, "weight_decay": 0.05, "momentum": 0.9,
                               "adjust_lr_fn": "match_rms_adamw"}, ["0.weight"]),
         Group("second", Muon, {"lr": 0.01, "weight_decay": 0.05, "momentum": 0.9,
                                "adjust_lr_fn": "match_rms_adamw", "nesterov": False,
                                "ns_coefficients": (3.0, -3.2, 1.2), "ns_steps": 3, "eps": 1e-5}, ["2.weight"]),
         Group("last", Muon, {"lr": 0.03, "weight_decay": 0.05, "momentum": 0.9,
                              "adjust_lr_fn": "original"}, ["4.weight"]),
         Group("biases", SGD, {"lr": 0.05, "momentum": 0.9}, ["0.bias", "2.bias", "4.bias"]),
     ],
     epochs=3, loss="cross_entropy")

case("opt_adafactor", """\
# Adafactor: factored second moments for the conv (4-D) and linear (2-D) weights, full ones
# for the biases; eps none (float32's epsilon) and a given one, d, beta2_decay, weight decay,
# and ascent on the last layer.
seed 43
input 2 6 6
model < conv 2 4 3; relu; linear 64 10; tanh; out: linear 10 3 >
init "init.safetensors"
optimizer adafactor lr 0.02
group conv eps none 1e-2 d 2 as conv
group "2.*" beta2_decay -0.5 eps 1e-20 1e-3 weight_decay 0.01 as hidden
group out lr 0.005 maximize true as ascent
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adafactor lr 0.02 on conv (eps (None, 1e-2), d 2), hidden linear (beta2_decay -0.5, eps (1e-20, 1e-3), "
     "weight_decay 0.01), output maximize lr 0.005; 56 samples 2x6x6, 3 classes, 3 epochs.",
     seed=43, data=lambda rng: class_data(rng, 56, (2, 6, 6), 3),
     model=lambda: seq([(None, nn.Conv2d(2, 4, 3)), (None, nn.ReLU()), (None, FlattenLinear(64, 10)),
                        (None, nn.Tanh()), ("out", nn.Linear(10, 3))]),
     groups=lambda m: [
         Group("conv", Adafactor, {"lr": 0.02, "eps": (None, 1e-2), "d": 2.0}, ["0.weight", "0.bias"]),
         Group("hidden", Adafactor, {"lr": 0.02, "beta2_decay": -0.5, "eps": (1e-20, 1e-3), "weight_decay": 0.01},
               ["2.weight", "2.bias"]),
         Group("ascent", Adafactor, {"lr": 0.005, "maximize": True}, ["out.weight", "out.bias"]),
     ],
     epochs=3, loss="cross_entropy")

case("opt_asgd", """\
# ASGD: averaging from step 3 (t0) with its own lambd and alpha and weight decay; PyTorch's
# defaults (averaging from step 1e6) on a regression head; ascent on nothing.
seed 44
input 6
model < linear 6 16; tanh; linear 16 2 >
init "init.safetensors"
optimizer asgd lr 0.05
group "0.*" lambd 1e-3 alpha 0.6 t0 3 weight_decay 1e-3 as averaged
group "2.weight" as plain
group "2.bias" lr 0.01 maximize true as ascent
""" + TAIL + """\
train epochs 4 batch 16 loss mse shuffle false
save "out.safetensors"
""",
     "ASGD lr 0.05: lambd 1e-3 alpha 0.6 t0 3 weight_decay 1e-3; defaults; maximize lr 0.01; "
     "regression [60, 2], mse, batch 16 (last 12), 4 epochs.",
     seed=44, data=lambda rng: regression_data(rng, 60, 6, 2),
     model=lambda: seq(mlp(6, 16, "tanh", 2)),
     groups=lambda m: [
         Group("averaged", ASGD, {"lr": 0.05, "lambd": 1e-3, "alpha": 0.6, "t0": 3.0, "weight_decay": 1e-3},
               ["0.weight", "0.bias"]),
         Group("plain", ASGD, {"lr": 0.05}, ["2.weight"]),
         Group("ascent", ASGD, {"lr": 0.01, "maximize": True}, ["2.bias"]),
     ],
     epochs=4, loss="mse")

case("opt_rprop", """\
# Rprop: defaults, its own etas and step sizes (a tight maximum), and ascent.
seed 45
input 8
model < linear 8 16; relu; linear 16 12; gelu; linear 12 4 >
init "init.safetensors"
optimizer rprop lr 0.005
group "0.*" as plain
group "2.*" etas 0.3 1.5 step_sizes 1e-4 0.02 as tuned
group "4.*" lr 0.001 maximize true as ascent
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Rprop lr 0.005: defaults; etas (0.3, 1.5) step_sizes (1e-4, 0.02); maximize lr 0.001; "
     "64 samples, 3 epochs.",
     seed=45, data=lambda rng: class_data(rng, 64, (8,), 4),
     model=lambda: seq(mlp(8, 16, "relu", 12, "gelu", 4)),
     groups=lambda m: [
         Group("plain", Rprop, {"lr": 0.005}, names(m, "0")),
         Group("tuned", Rprop, {"lr": 0.005, "etas": (0.3, 1.5), "step_sizes": (1e-4, 0.02)}, names(m, "2")),
         Group("ascent", Rprop, {"lr": 0.001, "maximize": True}, names(m, "4")),
     ],
     epochs=3, loss="cross_entropy")


# ----------------------------------------------------------------- section 15: hyperparameter schedules

case("sched_weight_decay_cosine", """\
# DINO's weight-decay cosine: AdamW's weight decay from 0.04 up to 0.4 over the run, per
# step, on the weights; the biases keep theirs (0); the rate has its own warm-up.
seed 46
input 10
model < linear 10 24; gelu; linear 24 4 >
init "init.safetensors"
optimizer adamw lr 0.01 weight_decay 0.04
group "*.weight" as weights
group "*.bias" weight_decay 0 as biases
schedule weights weight_decay cosine 16 eta_min 0.4 per step
schedule all linear start_factor 0.2 total_iters 2
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "AdamW weight_decay 0.04 -> 0.4 by CosineAnnealingLR(T_max=16, eta_min=0.4) per step on the weights "
     "(a throwaway optimizer's lr copied into weight_decay), LinearLR(0.2, 2) on the rates; 64 samples, 4 epochs.",
     seed=46, data=lambda rng: class_data(rng, 64, (10,), 4),
     model=lambda: seq(mlp(10, 24, "gelu", 4)),
     groups=lambda m: [
         Group("weights", AdamW, {"lr": 0.01, "weight_decay": 0.04}, ["0.weight", "2.weight"],
               Sched(lambda o: LS.LinearLR(o, start_factor=0.2, total_iters=2))),
         Group("biases", AdamW, {"lr": 0.01, "weight_decay": 0.0}, ["0.bias", "2.bias"],
               Sched(lambda o: LS.LinearLR(o, start_factor=0.2, total_iters=2))),
     ],
     hp_scheds=(("weights", "weight_decay", Sched(lambda o: LS.CosineAnnealingLR(o, T_max=16, eta_min=0.4),
                                                  per_step=True)),),
     epochs=4, loss="cross_entropy")

case("sched_momentum_warmup", """\
# YOLOv5's warm-up: SGD's momentum rises linearly from 0.8 to 0.937 over the first 6 steps
# while the rate warms up too; Adam's betas[0] on the head decays per epoch.
seed 47
input 8
model < body: linear 8 20; relu; head: linear 20 3 >
init "init.safetensors"
optimizer sgd lr 0.05 momentum 0.937 nesterov true weight_decay 5e-4
group body
group head optimizer adam lr 0.005
schedule body momentum lambda (0.8 + 0.137 * min(step, 6) / 6) / 0.937 per step
schedule body lambda min(1, (step + 1) / 6) per step
schedule head momentum exponential 0.95
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "SGD nesterov momentum warm-up 0.8 -> 0.937 over 6 steps (LambdaLR on a throwaway optimizer, per step) "
     "with a rate warm-up; Adam betas[0] x 0.95 per epoch (ExponentialLR); 80 samples, 3 epochs.",
     seed=47, data=lambda rng: class_data(rng, 80, (8,), 3),
     model=lambda: seq([("body", nn.Linear(8, 20)), (None, nn.ReLU()), ("head", nn.Linear(20, 3))]),
     groups=lambda m: [
         Group("body", SGD, {"lr": 0.05, "momentum": 0.937, "nesterov": True, "weight_decay": 5e-4},
               names(m, "body"), Sched(lambda o: LS.LambdaLR(o, lambda s: min(1, (s + 1) / 6)), per_step=True)),
         Group("head", Adam, {"lr": 0.005}, names(m, "head")),
     ],
     hp_scheds=(("body", "momentum", Sched(lambda o: LS.LambdaLR(o, lambda s: (0.8 + 0.137 * min(s, 6) / 6) / 0.937),
                                            per_step=True)),
                ("head", "momentum", Sched(lambda o: LS.ExponentialLR(o, gamma=0.95)))),
     ctor={SGD: {"lr": 0.05, "momentum": 0.937, "nesterov": True, "weight_decay": 5e-4}},
     epochs=3, loss="cross_entropy")


# ----------------------------------------------------------------- section 15: timed unfreezing

case("groups_unfreeze_adam", """\
# ULMFiT-style gradual unfreezing: the first layer stays in its group but gets no gradient
# and no update in epochs 0 and 1, then trains from epoch 2 with Adam state from its first
# update (step 1's bias correction); weight decay does not touch it while frozen.
seed 49
input 8
model < linear 8 16; relu; linear 16 12; gelu; linear 12 4 >
init "init.safetensors"
optimizer adam lr 0.01 weight_decay 0.01
freeze "0.*" until epoch 2
""" + TAIL + """\
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adam lr 0.01 weight_decay 0.01 over all; 0.* frozen until epoch 2 (requires_grad switched on at epoch 2's "
     "start, optimizer state from the first update); 64 samples, 4 epochs.",
     seed=49, data=lambda rng: class_data(rng, 64, (8,), 4),
     model=lambda: seq(mlp(8, 16, "relu", 12, "gelu", 4)),
     groups=lambda m: [Group("all", Adam, {"lr": 0.01, "weight_decay": 0.01}, [n for n, _ in m.named_parameters()])],
     unfreeze=((["0.weight", "0.bias"], 2),),
     ctor={Adam: {"lr": 0.01, "weight_decay": 0.01}},
     epochs=4, loss="cross_entropy")


# ============================================================================= groups

case("groups_mixed_kinds", """\
# Three optimizer kinds in one run (one torch optimizer per kind), each group scheduled.
seed 21
input 8
model <
  body: linear 8 16
  relu
  mid: linear 16 16
  gelu
  head: linear 16 4
>
init "init.safetensors"
optimizer adam lr 0.005
group body
group mid optimizer rmsprop lr 0.002 momentum 0.5
group head optimizer sgd lr 0.1 momentum 0.9
schedule mid exponential 0.9
schedule head step 1 gamma 0.7
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "Adam (body), RMSprop momentum 0.5 (mid, ExponentialLR 0.9), SGD momentum 0.9 (head, StepLR 1 0.7) "
     "in one run; 64 samples, 3 epochs.",
     seed=21, data=lambda rng: class_data(rng, 64, (8,), 4),
     model=lambda: seq([("body", nn.Linear(8, 16)), (None, nn.ReLU()), ("mid", nn.Linear(16, 16)),
                        (None, nn.GELU()), ("head", nn.Linear(16, 4))]),
     groups=lambda m: [
         Group("body", Adam, {"lr": 0.005}, names(m, "body")),
         Group("mid", RMSprop, {"lr": 0.002, "momentum": 0.5}, names(m, "mid"),
               Sched(lambda o: LS.ExponentialLR(o, gamma=0.9))),
         Group("head", SGD, {"lr": 0.1, "momentum": 0.9}, names(m, "head"),
               Sched(lambda o: LS.StepLR(o, step_size=1, gamma=0.7))),
     ],
     epochs=3, loss="cross_entropy")

COSINE4 = Sched(lambda o: LS.CosineAnnealingLR(o, T_max=4))  # one object: refgen's direct cross-check applies


def each_layer_groups(m):
    return [Group(f"lw.{layer}", SGD, {"lr": 0.1 * 0.5 ** (3 - 1 - i), "momentum": 0.9}, names(m, layer), COSINE4)
            for i, layer in enumerate(["0", "2", "4"])]


case("groups_each_layer", """\
# Layer-wise rates: one group per layer with parameters, decaying towards the input, all
# under one cosine schedule (each group its own scheduler).
seed 22
input 8
model < linear 8 16; tanh; linear 16 16; tanh; linear 16 3 >
init "init.safetensors"
optimizer sgd momentum 0.9
group all each layer lr 0.1 * 0.5^(layers - 1 - layer) as lw
schedule all cosine 4
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "group all each layer lr 0.1*0.5^(layers-1-layer) (0.025, 0.05, 0.1), SGD momentum 0.9, "
     "CosineAnnealingLR(4) on every group, 48 samples, 3 epochs.",
     seed=22, data=lambda rng: class_data(rng, 48, (8,), 3),
     model=lambda: seq(mlp(8, 16, "tanh", 16, "tanh", 3)),
     groups=lambda m: each_layer_groups(m),
     epochs=3, loss="cross_entropy")


def each_param_post_init(m):
    m.b.weight.mul_(4.0)
    assert m.b.weight.std().item() > 0.5 and m.c.weight.std().item() <= 0.5


case("groups_select_freeze", """\
# Selectors: a frozen layer, a where predicate on the initial values, each param with
# per-parameter expressions, rest, and a group left empty (a warning; it stays a group).
# init.safetensors has b.weight scaled x4, so only it has std > 0.5.
seed 23
input 6
model <
  a: linear 6 12
  relu
  b: linear 12 12
  tanh
  c: linear 12 3
>
init "init.safetensors"
optimizer adam lr 0.01
freeze a
group "*.weight" where std(param) > 0.5 lr 0.001 as big
group (b or c) and not "*.bias" each param lr 0.02 / ndim as w
group rest each param lr 0.005 * (if numel > 5 then 1 else 2) as r
group linear lr 0.3 as leftovers
schedule leftovers exponential 0.5
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "freeze a; where std(param) > 0.5 (b.weight, scaled x4 in init); each param over (b or c) and not "
     "biases (c.weight lr 0.01); rest each param (b.bias, c.bias: 0.005 / 0.01 by numel); an empty group; "
     "ExponentialLR(0.5) on the empty group; Adam, 48 samples, 3 epochs.",
     seed=23, data=lambda rng: class_data(rng, 48, (6,), 3),
     model=lambda: seq([("a", nn.Linear(6, 12)), (None, nn.ReLU()), ("b", nn.Linear(12, 12)),
                        (None, nn.Tanh()), ("c", nn.Linear(12, 3))]),
     post_init=each_param_post_init,
     frozen=("a.weight", "a.bias"),
     groups=lambda m: [
         Group("big", Adam, {"lr": 0.001}, ["b.weight"]),
         Group("w.c.weight", Adam, {"lr": 0.01}, ["c.weight"]),
         Group("r.b.bias", Adam, {"lr": 0.005}, ["b.bias"]),
         Group("r.c.bias", Adam, {"lr": 0.01}, ["c.bias"]),
         Group("leftovers", Adam, {"lr": 0.3}, [], Sched(lambda o: LS.ExponentialLR(o, 0.5))),
     ],
     epochs=3, loss="cross_entropy")

# ============================================================================= layers

case("layers_conv_maxpool", """\
# Convolutions with padding, stride and no bias, max pooling with its own stride (9x9 input:
# windows that do not tile it), flatten.
seed 31
input 2 9 9
model <
  c1: conv 2 4 3 padding 1
  relu
  maxpool 3 stride 2
  c2: conv 4 6 3 stride 2 padding 1 bias false
  tanh
  flatten
  head: linear 24 5
>
init "init.safetensors"
optimizer adam lr 0.01
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "conv 2 4 3 padding 1; relu; maxpool 3 stride 2 (9->4); conv 4 6 3 stride 2 padding 1 bias false "
     "(4->2); tanh; flatten; linear 24 5; Adam, 40 samples 2x9x9, batch 16 (last 8), 3 epochs.",
     seed=31, data=lambda rng: class_data(rng, 40, (2, 9, 9), 5),
     model=lambda: seq([("c1", nn.Conv2d(2, 4, 3, padding=1)), (None, nn.ReLU()), (None, nn.MaxPool2d(3, stride=2)),
                        ("c2", nn.Conv2d(4, 6, 3, stride=2, padding=1, bias=False)), (None, nn.Tanh()),
                        (None, nn.Flatten()), ("head", nn.Linear(24, 5))]),
     groups=lambda m: [Group("all", Adam, {"lr": 0.01}, [n for n, _ in m.named_parameters()])],
     epochs=3, loss="cross_entropy")

case("layers_conv_avgpool", """\
# Strided convolution without padding, average pooling with stride 1 and default stride, a
# 1x1 convolution, a linear without bias after an implicit flatten.
seed 32
input 1 10 10
model < conv 1 3 2 stride 2; sigmoid; avgpool 3 stride 1; conv 3 4 1; relu; avgpool 2; linear 4 3 bias false >
init "init.safetensors"
optimizer sgd lr 0.2 momentum 0.9
""" + TAIL + """\
train epochs 3 batch 12 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "conv 1 3 2 stride 2 (10->5); sigmoid; avgpool 3 stride 1 (5->3); conv 3 4 1; relu; avgpool 2 (3->1); "
     "linear 4 3 bias false on a 4x1x1 input (implicit flatten); SGD momentum, 40 samples (int32 labels in y.npy), "
     "batch 12, 3 epochs.",
     seed=32, data=lambda rng: class_data(rng, 40, (1, 10, 10), 3, label_dtype=np.int32),
     model=lambda: seq([(None, nn.Conv2d(1, 3, 2, stride=2)), (None, nn.Sigmoid()), (None, nn.AvgPool2d(3, stride=1)),
                        (None, nn.Conv2d(3, 4, 1)), (None, nn.ReLU()), (None, nn.AvgPool2d(2)),
                        (None, FlattenLinear(4, 3, bias=False))]),
     groups=lambda m: [Group("all", SGD, {"lr": 0.2, "momentum": 0.9}, [n for n, _ in m.named_parameters()])],
     epochs=3, batch=12, loss="cross_entropy")

case("layers_batchnorm1d", """\
# A linear without bias before BatchNorm1d (a bias would only cancel out). BatchNorm1d in training (batch statistics, running mean/var with the unbiased variance,
# num_batches_tracked), its parameters in their own group without weight decay.
seed 33
input 10
model < linear 10 16 bias false; batchnorm 16; relu; linear 16 3 >
init "init.safetensors"
optimizer adamw lr 0.01
group batchnorm weight_decay 0 as norm
group rest as other
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "linear 10 16; batchnorm 16; relu; linear 16 3, AdamW (norm group weight_decay 0); 70 samples, batch 16 "
     "(last 6), 3 epochs; final running_mean/var and num_batches_tracked (15) compared.",
     seed=33, data=lambda rng: class_data(rng, 70, (10,), 3),
     model=lambda: seq([(None, nn.Linear(10, 16, bias=False)), (None, nn.BatchNorm1d(16)), (None, nn.ReLU()),
                        (None, nn.Linear(16, 3))]),
     groups=lambda m: [Group("norm", AdamW, {"lr": 0.01, "weight_decay": 0.0}, ["1.weight", "1.bias"]),
                       Group("other", AdamW, {"lr": 0.01}, ["0.weight", "3.weight", "3.bias"])],
     epochs=3, loss="cross_entropy")

case("layers_linear_last_dim", """\
# Section 12's linear rule: on the last dimension when it is the input width ([4, 6] to
# [4, 8], no flatten), the implicit flatten of section 4 otherwise (the head: 4x8 to 32
# features); between them BatchNorm1d over [B, 4, 8] (channels 4, length 8).
seed 41
input 4 6
model < fc: linear 6 8; bn: batchnorm 4; relu; head: linear 32 3 >
init "init.safetensors"
optimizer adam lr 0.01
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "linear 6 8 on [4, 6] (the last dimension: [4, 8]); batchnorm 4 on [4, 8] (BatchNorm1d over [B, C, L]); relu; "
     "linear 32 3 (implicit flatten of 4x8); Adam, 60 samples, batch 16 (last 12), 3 epochs.",
     seed=41, data=lambda rng: class_data(rng, 60, (4, 6), 3),
     model=lambda: seq([("fc", nn.Linear(6, 8)), ("bn", nn.BatchNorm1d(4)), (None, nn.ReLU()),
                        ("head", FlattenLinear(32, 3))]),
     groups=lambda m: [Group("all", Adam, {"lr": 0.01}, [n for n, _ in m.named_parameters()])],
     epochs=3, loss="cross_entropy")

case("layers_layernorm_gelu", """\
# LayerNorm over the last dimension of a 4-D activation and of a 2-D one, with gelu and
# sigmoid around them.
seed 35
input 2 6 6
model <
  conv 2 3 3 padding 1
  gelu
  layernorm 6
  flatten
  linear 108 16
  layernorm 16
  sigmoid
  linear 16 4
>
init "init.safetensors"
optimizer adam lr 0.005
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "conv 2 3 3 padding 1; gelu; layernorm 6 (last dim of [B,3,6,6]); flatten; linear 108 16; layernorm 16; "
     "sigmoid; linear 16 4; Adam, 44 samples, batch 16 (last 12), 3 epochs.",
     seed=35, data=lambda rng: class_data(rng, 44, (2, 6, 6), 4),
     model=lambda: seq([(None, nn.Conv2d(2, 3, 3, padding=1)), (None, nn.GELU()), (None, nn.LayerNorm(6)),
                        (None, nn.Flatten()), (None, nn.Linear(108, 16)), (None, nn.LayerNorm(16)),
                        (None, nn.Sigmoid()), (None, nn.Linear(16, 4))]),
     groups=lambda m: [Group("all", Adam, {"lr": 0.005}, [n for n, _ in m.named_parameters()])],
     epochs=3, loss="cross_entropy")

case("layers_dropout_shuffle", """\
# Dropout masks and shuffled batches from the seeded global generator, as torch draws them:
# seed, model initialisation, init file, then per epoch DataLoader(shuffle=True)'s two seeds
# and the dropout masks in forward order.
seed 36
input 8
model < linear 8 32; relu; dropout 0.3; linear 32 16; tanh; dropout 0.5; linear 16 3 >
init "init.safetensors"
optimizer sgd lr 0.1 momentum 0.9
""" + TAIL + """\
train epochs 3 batch 16 loss cross_entropy shuffle true
save "out.safetensors"
""",
     "Two dropout layers (0.3, 0.5) and shuffle true: masks and batch order from the global generator seeded "
     "36 (after default initialisation), SGD momentum, 60 samples, batch 16 (last 12), 3 epochs.",
     seed=36, data=lambda rng: class_data(rng, 60, (8,), 3),
     model=lambda: seq([(None, nn.Linear(8, 32)), (None, nn.ReLU()), (None, nn.Dropout(0.3)),
                        (None, nn.Linear(32, 16)), (None, nn.Tanh()), (None, nn.Dropout(0.5)),
                        (None, nn.Linear(16, 3))]),
     groups=lambda m: [Group("all", SGD, {"lr": 0.1, "momentum": 0.9}, [n for n, _ in m.named_parameters()])],
     epochs=3, loss="cross_entropy", shuffle=True)

# ============================================================================= data

case("data_npy_f64_mse", """\
# float64 npy inputs and targets (trained on as float32), mse, a linear layer without bias,
# and a last batch of 2 samples.
seed 41
input 5
model < linear 5 12 bias false; sigmoid; linear 12 2 >
init "init.safetensors"
optimizer sgd lr 0.3 momentum 0.5
""" + TAIL + """\
train epochs 3 batch 12 loss mse shuffle false
save "out.safetensors"
""",
     "x.npy and y.npy float64 ([50,5], [50,2]); linear 5 12 bias false; sigmoid; linear 12 2; SGD momentum, "
     "mse, batch 12 (last 2), 3 epochs.",
     seed=41, data=lambda rng: f64_regression_data(rng, 50, 5, 2),
     model=lambda: seq([(None, nn.Linear(5, 12, bias=False)), (None, nn.Sigmoid()), (None, nn.Linear(12, 2))]),
     groups=lambda m: [Group("all", SGD, {"lr": 0.3, "momentum": 0.5}, [n for n, _ in m.named_parameters()])],
     epochs=3, batch=12, loss="mse")

case("data_csv_label_shuffle", """\
# A csv with a header and the class label in a middle column named by the script; shuffled.
seed 42
input 4
model < linear 4 12; relu; linear 12 3 >
init "init.safetensors"
optimizer adam lr 0.01
data csv "data.csv" label "label" header true
train epochs 3 batch 10 loss cross_entropy shuffle true
save "out.safetensors"
""",
     "csv with header a,b,label,c,d (label column 2, whole numbers -> classes), 46 rows, shuffle true, "
     "Adam, batch 10 (last 6), 3 epochs.",
     seed=42, data=lambda rng: csv_class_data(rng, 46, 4, 3, 2, ["a", "b", "label", "c", "d"]),
     model=lambda: seq(mlp(4, 12, "relu", 3)),
     groups=lambda m: [Group("all", Adam, {"lr": 0.01}, [n for n, _ in m.named_parameters()])],
     epochs=3, batch=10, loss="cross_entropy", shuffle=True)

case("data_csv_regression", """\
# A csv without a header, the regression target in column 0 (not whole numbers), default
# loss (mse for regression targets).
seed 43
input 3
model < linear 3 10; tanh; linear 10 1 >
init "init.safetensors"
optimizer rmsprop lr 0.01
data csv "data.csv" label 0 header false
train epochs 4 batch 8 shuffle false
save "out.safetensors"
""",
     "csv without header, label 0 = float target; default loss (mse); RMSprop; 30 rows, batch 8 (last 6), 4 epochs.",
     seed=43, data=lambda rng: csv_regression_data(rng, 30, 3),
     model=lambda: seq(mlp(3, 10, "tanh", 1)),
     groups=lambda m: [Group("all", RMSprop, {"lr": 0.01}, [n for n, _ in m.named_parameters()])],
     epochs=4, batch=8, loss="mse")

# ============================================================================= schedules

STD = 'init "init.safetensors"\n' + TAIL


def three_layers(i, w1, w2, o):
    return lambda: seq([("a", nn.Linear(i, w1)), (None, nn.ReLU()), ("b", nn.Linear(w1, w2)), (None, nn.Tanh()),
                        ("c", nn.Linear(w2, o))])


THREE = "model <\n  a: linear 8 16\n  relu\n  b: linear 16 12\n  tanh\n  c: linear 12 3\n>\n"

case("sched_lambda_multiplicative", """\
# LambdaLR per step on `step` and per epoch on `epoch`, MultiplicativeLR per epoch.
seed 51
input 8
""" + THREE + STD + """\
optimizer sgd lr 0.1 momentum 0.9
group a
group b lr 0.05
group c lr 0.2
schedule a lambda 1 / (1 + 0.1 * step) per step
schedule b lambda 0.9^epoch + 0.1 * cos(pi * epoch / 4)
schedule c multiplicative if epoch < 2 then 0.5 else 0.9
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "LambdaLR(1/(1+0.1*step)) per step; LambdaLR(0.9^epoch + 0.1*cos(pi*epoch/4)) per epoch; "
     "MultiplicativeLR(0.5 while epoch < 2, then 0.9); SGD momentum, 48 samples, 4 epochs.",
     seed=51, data=lambda rng: class_data(rng, 48, (8,), 3), model=three_layers(8, 16, 12, 3),
     groups=lambda m: [
         Group("a", SGD, {"lr": 0.1, "momentum": 0.9}, names(m, "a"),
               Sched(lambda o: LS.LambdaLR(o, lambda s: 1 / (1 + 0.1 * s)), per_step=True)),
         Group("b", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "b"),
               Sched(lambda o: LS.LambdaLR(o, lambda e: 0.9 ** e + 0.1 * math.cos(math.pi * e / 4)))),
         Group("c", SGD, {"lr": 0.2, "momentum": 0.9}, names(m, "c"),
               Sched(lambda o: LS.MultiplicativeLR(o, lambda e: 0.5 if e < 2 else 0.9))),
     ],
     epochs=4, loss="cross_entropy")

case("sched_step_multistep_exponential", """\
# StepLR, MultiStepLR and ExponentialLR, one group each, per epoch.
seed 52
input 8
""" + THREE + STD + """\
optimizer adam lr 0.01
group a
group b
group c lr 0.02
schedule a step 2 gamma 0.5
schedule b multistep 1 3 gamma 0.3
schedule c exponential 0.8
train epochs 5 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "StepLR(2, 0.5), MultiStepLR([1, 3], 0.3), ExponentialLR(0.8) per epoch, Adam, 40 samples, 5 epochs.",
     seed=52, data=lambda rng: class_data(rng, 40, (8,), 3), model=three_layers(8, 16, 12, 3),
     groups=lambda m: [
         Group("a", Adam, {"lr": 0.01}, names(m, "a"), Sched(lambda o: LS.StepLR(o, 2, gamma=0.5))),
         Group("b", Adam, {"lr": 0.01}, names(m, "b"), Sched(lambda o: LS.MultiStepLR(o, [1, 3], gamma=0.3))),
         Group("c", Adam, {"lr": 0.02}, names(m, "c"), Sched(lambda o: LS.ExponentialLR(o, 0.8))),
     ],
     epochs=5, loss="cross_entropy")

case("sched_cosine_restarts", """\
# CosineAnnealingLR per epoch and per step (past T_max), CosineAnnealingWarmRestarts per step
# with t_mult 2.
seed 53
input 8
""" + THREE + STD + """\
optimizer sgd lr 0.1 momentum 0.9
group a
group b lr 0.05
group c lr 0.08
schedule a cosine 3 eta_min 0.01
schedule b cosine 6 eta_min 0.001 per step
schedule c cosine_restarts 3 t_mult 2 eta_min 0.001 per step
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "CosineAnnealingLR(3, eta_min 0.01) per epoch; CosineAnnealingLR(6, eta_min 0.001) per step over 16 steps; "
     "CosineAnnealingWarmRestarts(3, t_mult 2, eta_min 0.001) per step; SGD momentum, 4 epochs x 4 steps.",
     seed=53, data=lambda rng: class_data(rng, 64, (8,), 3), model=three_layers(8, 16, 12, 3),
     groups=lambda m: [
         Group("a", SGD, {"lr": 0.1, "momentum": 0.9}, names(m, "a"),
               Sched(lambda o: LS.CosineAnnealingLR(o, 3, eta_min=0.01))),
         Group("b", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "b"),
               Sched(lambda o: LS.CosineAnnealingLR(o, 6, eta_min=0.001), per_step=True)),
         Group("c", SGD, {"lr": 0.08, "momentum": 0.9}, names(m, "c"),
               Sched(lambda o: LS.CosineAnnealingWarmRestarts(o, 3, T_mult=2, eta_min=0.001), per_step=True)),
     ],
     epochs=4, loss="cross_entropy")

case("sched_linear_constant_polynomial", """\
# LinearLR, ConstantLR and PolynomialLR, per epoch (and LinearLR's default arguments per step).
seed 54
input 8
model <
  a: linear 8 16
  relu
  b: linear 16 12
  tanh
  c: linear 12 8
  relu
  d: linear 8 3
>
""" + STD + """\
optimizer adam lr 0.01
group a
group b
group c
group d
schedule a linear start_factor 0.25 end_factor 0.9 total_iters 3
schedule b constant factor 0.5 total_iters 2
schedule c polynomial total_iters 4 power 2
schedule d linear per step
train epochs 5 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "LinearLR(0.25 -> 0.9 over 3), ConstantLR(0.5, 2), PolynomialLR(4, power 2) per epoch; LinearLR() defaults "
     "(1/3 -> 1 over 5) per step; Adam, 40 samples, 5 epochs x 3 steps.",
     seed=54, data=lambda rng: class_data(rng, 40, (8,), 3),
     model=lambda: seq([("a", nn.Linear(8, 16)), (None, nn.ReLU()), ("b", nn.Linear(16, 12)), (None, nn.Tanh()),
                        ("c", nn.Linear(12, 8)), (None, nn.ReLU()), ("d", nn.Linear(8, 3))]),
     groups=lambda m: [
         Group("a", Adam, {"lr": 0.01}, names(m, "a"),
               Sched(lambda o: LS.LinearLR(o, start_factor=0.25, end_factor=0.9, total_iters=3))),
         Group("b", Adam, {"lr": 0.01}, names(m, "b"), Sched(lambda o: LS.ConstantLR(o, factor=0.5, total_iters=2))),
         Group("c", Adam, {"lr": 0.01}, names(m, "c"), Sched(lambda o: LS.PolynomialLR(o, total_iters=4, power=2))),
         Group("d", Adam, {"lr": 0.01}, names(m, "d"), Sched(lambda o: LS.LinearLR(o), per_step=True)),
     ],
     epochs=5, loss="cross_entropy")

case("sched_cyclic_momentum", """\
# CyclicLR per step (its default) cycling SGD's momentum (triangular, triangular2 with its
# own momentum range), exp_range without momentum cycling, and cyclic per epoch.
seed 55
input 8
model <
  a: linear 8 16
  relu
  b: linear 16 12
  tanh
  c: linear 12 8
  relu
  d: linear 8 3
>
""" + STD + """\
optimizer sgd lr 0.05 momentum 0.9
group a
group b
group c
group d
schedule a cyclic 0.01 0.1 step_size_up 3
schedule b cyclic 0.005 0.05 step_size_up 2 step_size_down 4 mode triangular2 base_momentum 0.7 max_momentum 0.95
schedule c cyclic 0.01 0.05 step_size_up 2 mode exp_range gamma 0.9 cycle_momentum false
schedule d cyclic 0.02 0.08 step_size_up 1 per epoch
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "CyclicLR per step: (0.01, 0.1, up 3) cycling momentum 0.8..0.9; triangular2 up 2 down 4 momentum 0.7..0.95; "
     "exp_range gamma 0.9 without momentum cycling; and (0.02, 0.08, up 1) per epoch; SGD, 4 epochs x 4 steps.",
     seed=55, data=lambda rng: class_data(rng, 64, (8,), 3),
     model=lambda: seq([("a", nn.Linear(8, 16)), (None, nn.ReLU()), ("b", nn.Linear(16, 12)), (None, nn.Tanh()),
                        ("c", nn.Linear(12, 8)), (None, nn.ReLU()), ("d", nn.Linear(8, 3))]),
     groups=lambda m: [
         Group("a", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "a"),
               Sched(lambda o: LS.CyclicLR(o, 0.01, 0.1, step_size_up=3), per_step=True)),
         Group("b", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "b"),
               Sched(lambda o: LS.CyclicLR(o, 0.005, 0.05, step_size_up=2, step_size_down=4, mode="triangular2",
                                           base_momentum=0.7, max_momentum=0.95), per_step=True)),
         Group("c", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "c"),
               Sched(lambda o: LS.CyclicLR(o, 0.01, 0.05, step_size_up=2, mode="exp_range", gamma=0.9,
                                           cycle_momentum=False), per_step=True)),
         Group("d", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "d"),
               Sched(lambda o: LS.CyclicLR(o, 0.02, 0.08, step_size_up=1))),
     ],
     epochs=4, loss="cross_entropy")

case("sched_onecycle_betas", """\
# OneCycleLR cycling Adam's betas[0] (cos, defaults), an SGD group with a linear three-phase
# cycle cycling momentum, and an AdamW group without momentum cycling.
seed 56
input 8
""" + THREE + STD + """\
optimizer adam lr 0.001
group a betas 0.9 0.99
group b optimizer sgd lr 0.01 momentum 0.9
group c optimizer adamw lr 0.001
schedule a onecycle 0.02 16
schedule b onecycle 0.1 20 pct_start 0.4 anneal_strategy linear div_factor 10 final_div_factor 100 three_phase true base_momentum 0.8 max_momentum 0.92
schedule c onecycle 0.01 16 pct_start 0.25 cycle_momentum false
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "OneCycleLR(0.02, 16) on Adam betas (0.9, 0.99) cycling beta1 0.85..0.95; SGD OneCycleLR(0.1, 20, "
     "pct_start 0.4, linear, div 10, final_div 100, three_phase, momentum 0.8..0.92); AdamW OneCycleLR(0.01, 16, "
     "pct_start 0.25, cycle_momentum false); 4 epochs x 4 steps.",
     seed=56, data=lambda rng: class_data(rng, 64, (8,), 3), model=three_layers(8, 16, 12, 3),
     groups=lambda m: [
         Group("a", Adam, {"lr": 0.001, "betas": (0.9, 0.99)}, names(m, "a"),
               Sched(lambda o: LS.OneCycleLR(o, 0.02, total_steps=16), per_step=True)),
         Group("b", SGD, {"lr": 0.01, "momentum": 0.9}, names(m, "b"),
               Sched(lambda o: LS.OneCycleLR(o, 0.1, total_steps=20, pct_start=0.4, anneal_strategy="linear",
                                             div_factor=10, final_div_factor=100, three_phase=True,
                                             base_momentum=0.8, max_momentum=0.92), per_step=True)),
         Group("c", AdamW, {"lr": 0.001}, names(m, "c"),
               Sched(lambda o: LS.OneCycleLR(o, 0.01, total_steps=16, pct_start=0.25, cycle_momentum=False),
                     per_step=True)),
     ],
     epochs=4, loss="cross_entropy")

case("sched_plateau_train", """\
# ReduceLROnPlateau on the epoch's mean training loss: mode min with a relative threshold,
# and mode max (the loss falls, so it never improves) with abs threshold, cooldown, min_lr.
seed 57
input 8
model < a: linear 8 16; relu; b: linear 16 3 >
""" + STD + """\
optimizer sgd lr 0.5
group a
group b lr 0.2
schedule a plateau factor 0.5 patience 0 threshold 0.2
schedule b plateau mode max factor 0.3 patience 1 threshold 0.01 threshold_mode abs cooldown 1 min_lr 0.02
train epochs 7 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "ReduceLROnPlateau on the mean training loss: (min, factor 0.5, patience 0, threshold 0.2 rel) and "
     "(max, factor 0.3, patience 1, threshold 0.01 abs, cooldown 1, min_lr 0.02); SGD, 48 samples, 7 epochs. "
     "lrs schedule is not run (plateau needs losses).",
     seed=57, data=lambda rng: class_data(rng, 48, (8,), 3),
     model=lambda: seq([("a", nn.Linear(8, 16)), (None, nn.ReLU()), ("b", nn.Linear(16, 3))]),
     groups=lambda m: [
         Group("a", SGD, {"lr": 0.5}, names(m, "a"),
               Sched(lambda o: LS.ReduceLROnPlateau(o, factor=0.5, patience=0, threshold=0.2), plateau=True)),
         Group("b", SGD, {"lr": 0.2}, names(m, "b"),
               Sched(lambda o: LS.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.01,
                                                    threshold_mode="abs", cooldown=1, min_lr=0.02), plateau=True)),
     ],
     plateau=(("a", "min", 0.2, "rel"), ("b", "max", 0.01, "abs")),
     check_schedule_command=False, epochs=7, loss="cross_entropy")

PV_LR, PV_PATIENCE, PV_THRESHOLD = 0.02, 0, 0.01  # one source for the script and the torch scheduler

case("sched_plateau_validation", f"""\
# ReduceLROnPlateau on the validation loss of a `split` (the last 25% of the samples in file
# order; the rest is shuffled), evaluated in eval mode: BatchNorm2d uses its running statistics.
seed 58
input 2 6 6
model <
  conv 2 4 3 padding 1 bias false
  batchnorm 4
  relu
  maxpool 2
  flatten
  head: linear 36 3
>
""" + STD + f"""\
split 0.25
optimizer adam lr {PV_LR}
group all as net
schedule net plateau factor 0.5 patience {PV_PATIENCE} threshold {PV_THRESHOLD}
train epochs 6 batch 10 loss cross_entropy shuffle true
save "out.safetensors"
""",
     "conv 2 4 3 padding 1 bias false; batchnorm 4 (BatchNorm2d); relu; maxpool 2; flatten; linear 36 3; split 0.25 "
     "of 60 samples (45 train, shuffled, batch 10 with last 5; 15 validation), ReduceLROnPlateau(factor 0.5, "
     f"patience {PV_PATIENCE}, threshold {PV_THRESHOLD}) on the validation loss; Adam lr {PV_LR}, 6 epochs.",
     seed=58, data=lambda rng: class_data(rng, 60, (2, 6, 6), 3),
     model=lambda: seq([(None, nn.Conv2d(2, 4, 3, padding=1, bias=False)), (None, nn.BatchNorm2d(4)), (None, nn.ReLU()),
                        (None, nn.MaxPool2d(2)), (None, nn.Flatten()), ("head", nn.Linear(36, 3))]),
     groups=lambda m: [Group("net", Adam, {"lr": PV_LR}, [n for n, _ in m.named_parameters()],
                             Sched(lambda o: LS.ReduceLROnPlateau(o, factor=0.5, patience=PV_PATIENCE,
                                                                  threshold=PV_THRESHOLD), plateau=True))],
     plateau=(("net", "min", PV_THRESHOLD, "rel"),), split=0.25, shuffle=True,
     check_schedule_command=False, epochs=6, batch=10, loss="cross_entropy")

case("sched_sequential_chained", """\
# SequentialLR (`until ... then`, with two milestones, one per step) and ChainedScheduler
# (`with`).
seed 59
input 8
""" + THREE + STD + """\
optimizer sgd lr 0.1 momentum 0.9
group a
group b lr 0.05
group c lr 0.08
schedule a linear start_factor 0.2 total_iters 2 until 2 then exponential 0.7
schedule b step 2 gamma 0.5 with exponential 0.9
schedule c linear start_factor 0.5 total_iters 3 until 3 then step 2 gamma 0.8 until 9 then cosine 6 eta_min 0.001 per step
train epochs 5 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "SequentialLR([LinearLR(0.2, 2), ExponentialLR(0.7)], [2]) per epoch; ChainedScheduler([StepLR(2, 0.5), "
     "ExponentialLR(0.9)]) per epoch; SequentialLR([LinearLR(0.5, 3), StepLR(2, 0.8), CosineAnnealingLR(6, 0.001)], "
     "[3, 9]) per step; SGD momentum, 5 epochs x 3 steps.",
     seed=59, data=lambda rng: class_data(rng, 48, (8,), 3), model=three_layers(8, 16, 12, 3),
     groups=lambda m: [
         Group("a", SGD, {"lr": 0.1, "momentum": 0.9}, names(m, "a"),
               Sched(lambda o: LS.SequentialLR(o, [LS.LinearLR(o, start_factor=0.2, total_iters=2),
                                                   LS.ExponentialLR(o, 0.7)], milestones=[2]))),
         Group("b", SGD, {"lr": 0.05, "momentum": 0.9}, names(m, "b"),
               Sched(lambda o: LS.ChainedScheduler([LS.StepLR(o, 2, gamma=0.5), LS.ExponentialLR(o, 0.9)]))),
         Group("c", SGD, {"lr": 0.08, "momentum": 0.9}, names(m, "c"),
               Sched(lambda o: LS.SequentialLR(o, [LS.LinearLR(o, start_factor=0.5, total_iters=3),
                                                   LS.StepLR(o, 2, gamma=0.8),
                                                   LS.CosineAnnealingLR(o, 6, eta_min=0.001)], milestones=[3, 9]),
                     per_step=True)),
     ],
     epochs=5, loss="cross_entropy")


def class_data_with_validation(name, rng, n, nv, d_in, classes):
    """Training and validation sets drawn from one labelling; the validation set goes to
    xv.npy / yv.npy and to VALIDATION for the reference loop."""
    d = class_data(rng, n + nv, (d_in,), classes)
    x, y, vx, vy = d.x[:n], d.y[:n], d.x[n:], d.y[n:]
    VALIDATION[name] = (vx, vy)
    return Data(x=x, y=y, files={"x.npy": x, "y.npy": y, "xv.npy": vx, "yv.npy": vy})


case("data_validate_dropout", """\
# A `validate` source (its own npy files): plateau on its loss, evaluated in eval mode, where
# dropout passes everything and draws nothing from the generator; shuffled training batches.
seed 61
input 6
model < linear 6 24; relu; dropout 0.4; linear 24 3 >
init "init.safetensors"
optimizer adam lr 0.03
group all as net
schedule net plateau factor 0.5 patience 0 threshold 0.11
data npy "x.npy" "y.npy"
validate npy "xv.npy" "yv.npy"
train epochs 6 batch 16 loss cross_entropy shuffle true
save "out.safetensors"
""",
     "validate npy xv.npy yv.npy (24 samples) beside 60 training samples; dropout 0.4 (eval mode in validation); "
     "ReduceLROnPlateau(factor 0.5, patience 0, threshold 0.11) on the validation loss; shuffle true; Adam, 6 epochs.",
     seed=61, data=lambda rng: class_data_with_validation("data_validate_dropout", rng, 60, 24, 6, 3),
     model=lambda: seq([(None, nn.Linear(6, 24)), (None, nn.ReLU()), (None, nn.Dropout(0.4)), (None, nn.Linear(24, 3))]),
     groups=lambda m: [Group("net", Adam, {"lr": 0.03}, [n for n, _ in m.named_parameters()],
                             Sched(lambda o: LS.ReduceLROnPlateau(o, factor=0.5, patience=0, threshold=0.11),
                                   plateau=True))],
     plateau=(("net", "min", 0.11, "rel"),),
     check_schedule_command=False, epochs=6, loss="cross_entropy", shuffle=True)

case("init_default_seeded", """\
# No init file: the parameters are PyTorch's default initialisation drawn from `seed` (conv and
# linear kaiming-uniform weights and uniform biases in layer order; norm layers ones/zeros).
# The train statement's defaults: loss cross_entropy for class labels, shuffle true.
seed 62
input 3 8 8
model <
  conv 3 4 3 padding 1
  batchnorm 4
  relu
  avgpool 2
  flatten
  linear 64 10
  layernorm 10
  gelu
  linear 10 3
>
optimizer sgd lr 0.05 momentum 0.9
data npy "x.npy" "y.npy"
train epochs 2 batch 16
save "out.safetensors"
""",
     "Default initialisation from seed 62 (no init statement; init.safetensors is the torch reference's initial "
     "state, unused by the script): conv 3 4 3 padding 1; batchnorm 4; relu; avgpool 2; flatten; linear 64 10; "
     "layernorm 10; gelu; linear 10 3; SGD momentum; train defaults (cross_entropy, shuffle true), batch 16 of 40, "
     "2 epochs.",
     seed=62, data=lambda rng: class_data(rng, 40, (3, 8, 8), 3),
     model=lambda: seq([(None, nn.Conv2d(3, 4, 3, padding=1)), (None, nn.BatchNorm2d(4)), (None, nn.ReLU()),
                        (None, nn.AvgPool2d(2)), (None, nn.Flatten()), (None, nn.Linear(64, 10)),
                        (None, nn.LayerNorm(10)), (None, nn.GELU()), (None, nn.Linear(10, 3))]),
     groups=lambda m: [Group("all", SGD, {"lr": 0.05, "momentum": 0.9}, [n for n, _ in m.named_parameters()])],
     epochs=2, loss="cross_entropy", shuffle=True)

case("sched_cycle_betas_kinds", """\
# Momentum cycling across kinds: CyclicLR on Adam and Adamax cycles betas[0], OneCycleLR on
# RMSprop cycles momentum and on NAdam betas[0] (which NAdam's mu product reads every step).
seed 63
input 8
model <
  a: linear 8 16
  relu
  b: linear 16 12
  tanh
  c: linear 12 8
  relu
  d: linear 8 3
>
init "init.safetensors"
optimizer adam lr 0.01
group a
group b optimizer rmsprop lr 0.005
group c optimizer nadam lr 0.005
group d optimizer adamax lr 0.01
schedule a cyclic 0.001 0.01 step_size_up 3 mode triangular2
schedule b onecycle 0.01 16
schedule c onecycle 0.01 16 pct_start 0.5 base_momentum 0.8 max_momentum 0.9
schedule d cyclic 0.002 0.02 step_size_up 2 step_size_down 3 base_momentum 0.85 max_momentum 0.92
data npy "x.npy" "y.npy"
train epochs 4 batch 16 loss cross_entropy shuffle false
save "out.safetensors"
""",
     "CyclicLR triangular2 on Adam (beta1 0.8..0.9), OneCycleLR(0.01, 16) on RMSprop (momentum 0.85..0.95), "
     "OneCycleLR(0.01, 16, pct_start 0.5, beta1 0.8..0.9) on NAdam, CyclicLR(0.002, 0.02, up 2, down 3, "
     "beta1 0.85..0.92) on Adamax; one optimizer per kind; 64 samples, 4 epochs x 4 steps.",
     seed=63, data=lambda rng: class_data(rng, 64, (8,), 3),
     model=lambda: seq([("a", nn.Linear(8, 16)), (None, nn.ReLU()), ("b", nn.Linear(16, 12)), (None, nn.Tanh()),
                        ("c", nn.Linear(12, 8)), (None, nn.ReLU()), ("d", nn.Linear(8, 3))]),
     groups=lambda m: [
         Group("a", Adam, {"lr": 0.01}, names(m, "a"),
               Sched(lambda o: LS.CyclicLR(o, 0.001, 0.01, step_size_up=3, mode="triangular2"), per_step=True)),
         Group("b", RMSprop, {"lr": 0.005}, names(m, "b"),
               Sched(lambda o: LS.OneCycleLR(o, 0.01, total_steps=16), per_step=True)),
         Group("c", NAdam, {"lr": 0.005}, names(m, "c"),
               Sched(lambda o: LS.OneCycleLR(o, 0.01, total_steps=16, pct_start=0.5, base_momentum=0.8,
                                             max_momentum=0.9), per_step=True)),
         Group("d", Adamax, {"lr": 0.01}, names(m, "d"),
               Sched(lambda o: LS.CyclicLR(o, 0.002, 0.02, step_size_up=2, step_size_down=3, base_momentum=0.85,
                                           max_momentum=0.92), per_step=True)),
     ],
     ctor={Adam: {"lr": 0.01}},
     epochs=4, loss="cross_entropy")


README = """\
# The project's own reference training cases (PyTorch 2.13)

Training cases in shared/reference's layout (`case.lrs`, `expected.json`, `schedule.csv`, data,
`init.safetensors`, `trace.jsonl`, `final.safetensors`), made by real PyTorch with
shared/reference/refgen.py: every optimizer kind and its options, groups (several kinds, `each
layer`, `each param`, `freeze`, `where`, `rest`, an empty group), every layer, both losses,
shuffling, partial batches, npy (float64 too) and csv data, `split` and `validate`, and every
schedule of the contract's section 8 inside a training run. Tolerances are refgen's
(float32-vs-float64 calibration, floor 1e-5).

Regenerate (deterministic; needs torch, so the venv, and shared/reference):

    "$TORCH_PYTHON" Tests/Fixtures/reference-own/make_cases.py [--refgen DIR] [--only NAME...]

Check against a build:

    python3 ../shared/reference/check.py --lrs .build/release/lrs Tests/Fixtures/reference-own

`swift test` runs them too (Tests/EndToEndTests/ReferenceCaseTests.swift). make_cases.py
explains how its reference loop extends refgen's (seeded generator before the model is built,
DataLoader shuffling, validation, the optimizer statement as constructor arguments). Do not
edit the case folders by hand: change make_cases.py and regenerate.

"""


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="write lrs's own reference cases from PyTorch (see the top of the file)")
    ap.add_argument("--refgen", help="directory of refgen.py (default $LRS_REFGEN or ../../../../shared/reference)")
    ap.add_argument("--only", nargs="*", help="case names to (re)build")
    a = ap.parse_args()
    cases = CASES
    # the plateau margin check rides on refgen's verify hook
    for c in cases:
        if c.plateau:
            c.verify = (lambda cc: (lambda r: plateau_margins(cc, r)))(c)
    argv = ["--out", HERE] + (["--only"] + a.only if a.only else [])
    status = R.main(cases, HERE, argv)
    table = "".join(f"| `{c.name}` | {c.description} |\n" for c in sorted(cases, key=lambda c: c.name))
    R.write_text(os.path.join(HERE, "README.md"), README + "| case | covers |\n| --- | --- |\n" + table)
    sys.exit(status)
