#!/usr/bin/env python3
"""Schedule reference cases for lrs's Swift tests, computed by real PyTorch.

Run with the torch venv:  "$TORCH_PYTHON" Tests/Fixtures/schedules/cases.py
It rewrites, deterministically:
  cases/NAME/    refgen ScheduleCase layout (case.lrs, expected.json, schedule.csv), so
                 ../shared/reference/check.py can also run them through `lrs schedule`;
                 plus momentum.csv (epoch,step,group,momentum) where a schedule cycles
                 momentum or betas[0].
  long/NAME/     20000-step runs: case.lrs, and every 97th step's lr and momentum
                 (sampled.csv).
  plateau/NAME/  ReduceLROnPlateau driven by a recorded loss sequence: case.lrs,
                 losses.csv (epoch,loss) and schedule.csv (rates torch gives for it).
refgen.py is found through $LRS_REFGEN, else ../shared/reference.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("LRS_REFGEN", "../shared/reference"))
import refgen as R  # noqa: E402
from refgen import Group, Sched, ScheduleCase  # noqa: E402

import torch  # noqa: E402
from torch.optim import SGD, Adam, AdamW, Adagrad, RMSprop  # noqa: E402
from torch.optim import lr_scheduler as LS  # noqa: E402

torch.set_num_threads(1)


def script(body: str, opt: str = "sgd lr 0.1") -> str:
    return f"model < linear 4 2 >\noptimizer {opt}\ngroup all as main\n{body}\n"


def one(opt, hps, make, per_step=False):
    return lambda: [Group("main", opt, hps, sched=Sched(make, per_step=per_step))]


def case(name, body, desc, epochs, make, opt=SGD, hps=None, per_step=False, steps=1, opt_text=None):
    hps = hps if hps is not None else {"lr": 0.1}
    if opt_text is None:
        kind = {SGD: "sgd", Adam: "adam", AdamW: "adamw", Adagrad: "adagrad", RMSprop: "rmsprop"}[opt]
        opt_text = kind + "".join(f" {k} {v}" for k, v in hps.items())
    return ScheduleCase(name, script(body, opt_text), desc, epochs=epochs, steps_per_epoch=steps,
                        groups=one(opt, hps, make, per_step))


def mixed_groups():
    return [
        Group("warm", SGD, {"lr": 0.2, "momentum": 0.9},
              sched=Sched(lambda o: LS.LambdaLR(o, lambda s: min(1.0, (s + 1) / 10)), per_step=True)),
        Group("decay", SGD, {"lr": 0.05}, sched=Sched(lambda o: LS.ExponentialLR(o, gamma=0.8))),
        Group("fixed", SGD, {"lr": 0.01}),
        Group("cyc", SGD, {"lr": 0.1, "momentum": 0.9},
              sched=Sched(lambda o: LS.CyclicLR(o, 0.01, 0.1, step_size_up=3, step_size_down=5), per_step=True)),
    ]


MIXED = """\
model <
  warm: linear 4 4
  decay: linear 4 4
  fixed: linear 4 4
  cyc: linear 4 2
>
optimizer sgd
group warm lr 0.2 momentum 0.9
group decay lr 0.05
group fixed lr 0.01
group cyc lr 0.1 momentum 0.9
schedule warm lambda min(1, (step + 1) / 10) per step
schedule decay exponential 0.8
schedule cyc cyclic 0.01 0.1 step_size_up 3 step_size_down 5
"""

S = LS
CASES = [
    case("lambda_per_step", "schedule main lambda 1 / (1 + 0.01 * step) per step",
         "LambdaLR 1/(1+0.01 step) per step, 12 epochs x 7 steps.", 12,
         lambda o: S.LambdaLR(o, lambda s: 1 / (1 + 0.01 * s)), per_step=True, steps=7),
    case("multiplicative", "schedule main multiplicative if epoch < 10 then 0.9 else 1.05",
         "MultiplicativeLR (0.9 before epoch 10, then 1.05), 30 epochs.", 30,
         lambda o: S.MultiplicativeLR(o, lambda e: 0.9 if e < 10 else 1.05)),
    case("step_long", "schedule main step 1 gamma 0.97",
         "StepLR(step_size=1, gamma=0.97), 300 epochs: a long recursive product.", 300,
         lambda o: S.StepLR(o, step_size=1, gamma=0.97)),
    case("multistep_repeated", "schedule main multistep 3 7 7 12 gamma 0.5",
         "MultiStepLR(milestones=[3,7,7,12], gamma=0.5): milestone 7 twice divides by 4.", 16,
         lambda o: S.MultiStepLR(o, milestones=[3, 7, 7, 12], gamma=0.5)),
    case("exponential_long", "schedule main exponential 0.99 per step",
         "ExponentialLR(0.99) per step, 50 epochs x 20 steps.", 50,
         lambda o: S.ExponentialLR(o, gamma=0.99), per_step=True, steps=20),
    case("cosine_per_step_long", "schedule main cosine 7 per step",
         "CosineAnnealingLR(T_max=7, eta_min=0) per step for 40x3 steps: many periods past T_max, "
         "through lr 0 at odd multiples of T_max.", 40,
         lambda o: S.CosineAnnealingLR(o, T_max=7), per_step=True, steps=3),
    case("cosine_restarts", "schedule main cosine_restarts 5",
         "CosineAnnealingWarmRestarts(T_0=5), 23 epochs.", 23,
         lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5)),
    case("cosine_restarts_mult", "schedule main cosine_restarts 3 t_mult 2 eta_min 0.001 per step",
         "CosineAnnealingWarmRestarts(T_0=3, T_mult=2, eta_min=0.001) per step, 10 epochs x 10 steps.", 10,
         lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2, eta_min=0.001), per_step=True, steps=10),
    case("linear_warmup", "schedule main linear",
         "LinearLR defaults (1/3 -> 1 over 5), 9 epochs.", 9, lambda o: S.LinearLR(o)),
    case("linear_decay", "schedule main linear start_factor 1 end_factor 0.05 total_iters 40 per step",
         "LinearLR(1 -> 0.05 over 40) per step, 10 x 5 steps (past total_iters).", 10,
         lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=40), per_step=True, steps=5),
    case("constant", "schedule main constant factor 0.25 total_iters 4",
         "ConstantLR(factor=0.25, total_iters=4), 8 epochs.", 8,
         lambda o: S.ConstantLR(o, factor=0.25, total_iters=4)),
    case("constant_default", "schedule main constant",
         "ConstantLR defaults (1/3 for 5), 8 epochs: 1/factor does not undo factor exactly.", 8,
         lambda o: S.ConstantLR(o)),
    case("polynomial", "schedule main polynomial total_iters 10 power 2",
         "PolynomialLR(total_iters=10, power=2), 14 epochs.", 14,
         lambda o: S.PolynomialLR(o, total_iters=10, power=2.0)),
    case("polynomial_sqrt", "schedule main polynomial total_iters 30 power 0.5 per step",
         "PolynomialLR(total_iters=30, power=0.5) per step, 8 x 4 steps.", 8,
         lambda o: S.PolynomialLR(o, total_iters=30, power=0.5), per_step=True, steps=4),
    case("cyclic_triangular", "schedule main cyclic 0.001 0.01 step_size_up 4",
         "CyclicLR(0.001, 0.01, step_size_up=4) triangular, SGD momentum 0.9 (cycled 0.8..0.9), 10 x 5 steps.", 10,
         lambda o: S.CyclicLR(o, 0.001, 0.01, step_size_up=4), hps={"lr": 0.1, "momentum": 0.9},
         per_step=True, steps=5),
    case("cyclic_triangular2", "schedule main cyclic 0.001 0.01 step_size_up 3 step_size_down 5 mode triangular2 base_momentum 0.7 max_momentum 0.95",
         "CyclicLR triangular2, up 3 down 5, momentum 0.7..0.95, 8 x 6 steps.", 8,
         lambda o: S.CyclicLR(o, 0.001, 0.01, step_size_up=3, step_size_down=5, mode="triangular2",
                              base_momentum=0.7, max_momentum=0.95),
         hps={"lr": 0.1, "momentum": 0.9}, per_step=True, steps=6),
    case("cyclic_exp_range_adam", "schedule main cyclic 0.0001 0.003 step_size_up 5 mode exp_range gamma 0.97",
         "CyclicLR exp_range gamma 0.97 on Adam: betas[0] cycles, 12 x 5 steps.", 12,
         lambda o: S.CyclicLR(o, 0.0001, 0.003, step_size_up=5, mode="exp_range", gamma=0.97),
         opt=Adam, hps={"lr": 0.001}, per_step=True, steps=5),
    case("cyclic_no_momentum_adagrad", "schedule main cyclic 0.01 0.1 step_size_up 2 cycle_momentum false",
         "CyclicLR on Adagrad with cycle_momentum false, 6 x 3 steps.", 6,
         lambda o: S.CyclicLR(o, 0.01, 0.1, step_size_up=2, cycle_momentum=False),
         opt=Adagrad, hps={"lr": 0.1}, per_step=True, steps=3),
    case("onecycle_linear_three_phase", "schedule main onecycle 0.05 60 anneal_strategy linear three_phase true",
         "OneCycleLR(max_lr=0.05, total_steps=60, linear, three_phase), SGD momentum 0.9, 6 x 10 steps: "
         "ends exactly at total_steps (the last step's rate is computed and never used).", 6,
         lambda o: S.OneCycleLR(o, max_lr=0.05, total_steps=60, anneal_strategy="linear", three_phase=True),
         hps={"lr": 0.1, "momentum": 0.9}, per_step=True, steps=10),
    case("onecycle_adamw_options", "schedule main onecycle 0.01 45 pct_start 0.25 div_factor 10 final_div_factor 100 base_momentum 0.8 max_momentum 0.9",
         "OneCycleLR on AdamW with pct_start 0.25, div 10, final_div 100, betas[0] 0.8..0.9, 9 x 5 steps.", 9,
         lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=45, pct_start=0.25, div_factor=10.0,
                                final_div_factor=100.0, base_momentum=0.8, max_momentum=0.9),
         opt=AdamW, hps={"lr": 0.001}, per_step=True, steps=5),
    case("onecycle_no_momentum", "schedule main onecycle 0.2 20 cycle_momentum false",
         "OneCycleLR with cycle_momentum false on RMSprop, 4 x 5 steps.", 4,
         lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=20, cycle_momentum=False),
         opt=RMSprop, hps={"lr": 0.01}, per_step=True, steps=5),
    case("sequential_milestone_zero", "schedule main exponential 0.5 until 0 then cosine 10",
         "SequentialLR([ExponentialLR(0.5), CosineAnnealingLR(10)], milestones=[0]): the first "
         "schedule never runs, 15 epochs.", 15,
         lambda o: S.SequentialLR(o, [S.ExponentialLR(o, 0.5), S.CosineAnnealingLR(o, T_max=10)], milestones=[0])),
    case("sequential_equal_milestones", "schedule main linear start_factor 0.2 total_iters 3 until 3 then step 2 gamma 0.5 until 3 then exponential 0.9",
         "SequentialLR([LinearLR(0.2, 3), StepLR(2, 0.5), ExponentialLR(0.9)], milestones=[3, 3]), 10 epochs: "
         "equal milestones are accepted and the middle schedule never runs.", 10,
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=3), S.StepLR(o, 2, 0.5),
                                      S.ExponentialLR(o, 0.9)], milestones=[3, 3])),
    case("sequential_equal_zero_milestones", "schedule main exponential 0.5 until 0 then step 2 gamma 0.5 until 0 then cosine 6 until 4 then constant factor 0.5 total_iters 2",
         "SequentialLR([ExponentialLR(0.5), StepLR(2, 0.5), CosineAnnealingLR(6), ConstantLR(0.5, 2)], "
         "milestones=[0, 0, 4]), 9 epochs: neither of the first two schedules runs.", 9,
         lambda o: S.SequentialLR(o, [S.ExponentialLR(o, 0.5), S.StepLR(o, 2, 0.5), S.CosineAnnealingLR(o, T_max=6),
                                      S.ConstantLR(o, factor=0.5, total_iters=2)], milestones=[0, 0, 4])),
    case("sequential_three", "schedule main linear start_factor 0.2 total_iters 3 until 3 then step 2 gamma 0.5 until 9 then exponential 0.9",
         "SequentialLR([LinearLR(0.2, 3), StepLR(2, 0.5), ExponentialLR(0.9)], milestones=[3, 9]), 16 epochs: "
         "each later schedule restarts from its closed form at its milestone.", 16,
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.2, total_iters=3), S.StepLR(o, 2, 0.5),
                                      S.ExponentialLR(o, 0.9)], milestones=[3, 9])),
    case("sequential_multiplicative_restarts", "schedule main exponential 0.8 until 4 then multiplicative 0.9 until 8 then cosine_restarts 3",
         "SequentialLR([ExponentialLR(0.8), MultiplicativeLR(0.9), CosineAnnealingWarmRestarts(3)], [4, 8]): "
         "restarts without a closed form (get_lr at epoch 0), 14 epochs.", 14,
         lambda o: S.SequentialLR(o, [S.ExponentialLR(o, 0.8), S.MultiplicativeLR(o, lambda e: 0.9),
                                      S.CosineAnnealingWarmRestarts(o, T_0=3)], milestones=[4, 8])),
    case("sequential_onecycle", "schedule main linear start_factor 0.5 total_iters 4 until 4 then onecycle 0.3 20 per step",
         "SequentialLR([LinearLR(0.5, 4), OneCycleLR(0.3, 20)], [4]) per step, SGD momentum 0.9: onecycle "
         "overwrites initial_lr at construction, 6 x 4 steps.", 6,
         lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=4),
                                      S.OneCycleLR(o, max_lr=0.3, total_steps=20)], milestones=[4]),
         hps={"lr": 0.1, "momentum": 0.9}, per_step=True, steps=4),
    case("chained_step_exponential", "schedule main step 3 gamma 0.5 with exponential 0.95",
         "ChainedScheduler([StepLR(3, 0.5), ExponentialLR(0.95)]), 20 epochs.", 20,
         lambda o: S.ChainedScheduler([S.StepLR(o, 3, 0.5), S.ExponentialLR(o, 0.95)])),
    case("chained_warmup_cosine", "schedule main linear start_factor 0.1 total_iters 5 with cosine 20 eta_min 0.001",
         "ChainedScheduler([LinearLR(0.1, 5), CosineAnnealingLR(20, 0.001)]), 30 epochs.", 30,
         lambda o: S.ChainedScheduler([S.LinearLR(o, start_factor=0.1, total_iters=5),
                                       S.CosineAnnealingLR(o, T_max=20, eta_min=0.001)])),
    case("sequential_of_chained", "schedule main (constant factor 0.5 total_iters 2 with exponential 0.9) until 6 then polynomial total_iters 5",
         "SequentialLR([ChainedScheduler([ConstantLR(0.5, 2), ExponentialLR(0.9)]), PolynomialLR(5)], [6]), "
         "12 epochs: a composite as the first schedule.", 12,
         lambda o: S.SequentialLR(o, [S.ChainedScheduler([S.ConstantLR(o, factor=0.5, total_iters=2),
                                                          S.ExponentialLR(o, 0.9)]),
                                      S.PolynomialLR(o, total_iters=5)], milestones=[6])),
    case("chained_of_sequential", "schedule main (linear start_factor 0.25 total_iters 3 until 3 then exponential 0.8) with step 4 gamma 0.5",
         "ChainedScheduler([SequentialLR([LinearLR(0.25, 3), ExponentialLR(0.8)], [3]), StepLR(4, 0.5)]), 14 epochs.", 14,
         lambda o: S.ChainedScheduler([S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=3),
                                                          S.ExponentialLR(o, 0.8)], milestones=[3]),
                                       S.StepLR(o, 4, 0.5)])),
    case("onecycle_three_phase_cos_adam", "schedule main onecycle 0.004 40 pct_start 0.2 three_phase true",
         "OneCycleLR three_phase with cos annealing on Adam (betas[0] cycled), 8 x 5 steps.", 8,
         lambda o: S.OneCycleLR(o, max_lr=0.004, total_steps=40, pct_start=0.2, three_phase=True),
         opt=Adam, hps={"lr": 0.001}, per_step=True, steps=5),
    case("cyclic_per_epoch", "schedule main cyclic 0.01 0.05 step_size_up 2 step_size_down 3 mode triangular2 per epoch",
         "CyclicLR stepped per epoch (triangular2, up 2 down 3), SGD momentum 0.5, 20 epochs.", 20,
         lambda o: S.CyclicLR(o, 0.01, 0.05, step_size_up=2, step_size_down=3, mode="triangular2"),
         hps={"lr": 0.1, "momentum": 0.5}),
    ScheduleCase("mixed_groups", MIXED,
                 "Four groups: per-step lambda warmup, per-epoch exponential, no schedule, per-step cyclic "
                 "(momentum 0.8..0.9), 6 epochs x 4 steps.",
                 epochs=6, steps_per_epoch=4, groups=mixed_groups),
]


# --------------------------------------------------------------------------- long runs

LONG = [
    ("long_cosine", "cosine T_max 50 per step, 20000 steps", 20000,
     lambda o: S.CosineAnnealingLR(o, T_max=50, eta_min=1e-4)),
    ("long_cosine_restarts", "cosine_restarts T_0 7 t_mult 2 eta_min 1e-5, 20000 steps", 20000,
     lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2, eta_min=1e-5)),
    ("long_cyclic_exp_range", "cyclic 1e-4 1e-2 up 37 down 50 exp_range gamma 0.9995, 20000 steps", 20000,
     lambda o: S.CyclicLR(o, 1e-4, 1e-2, step_size_up=37, step_size_down=50, mode="exp_range", gamma=0.9995)),
    ("long_onecycle", "onecycle 0.1 20000 steps, run to its end", 20000,
     lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=20000)),
    ("long_chained", "step 100 gamma 0.9 with exponential 0.9999 with multiplicative 1.00001, 20000 steps", 20000,
     lambda o: S.ChainedScheduler([S.StepLR(o, 100, 0.9), S.ExponentialLR(o, 0.9999),
                                   S.MultiplicativeLR(o, lambda e: 1.00001)])),
    ("long_sequential", "linear 0.01 over 500 until 500 then polynomial 15000 power 1.5 until 15500 then lambda 0.5, 20000 steps", 20000,
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.01, total_iters=500),
                                  S.PolynomialLR(o, total_iters=15000, power=1.5),
                                  S.LambdaLR(o, lambda e: 0.5)], milestones=[500, 15500])),
]
LONG_STRIDE = 97
# The same schedules in the language: the Swift tests lower each case.lrs and step it.
LONG_SCRIPTS = {
    "long_cosine": "schedule main cosine 50 eta_min 0.0001 per step",
    "long_cosine_restarts": "schedule main cosine_restarts 7 t_mult 2 eta_min 0.00001 per step",
    "long_cyclic_exp_range": "schedule main cyclic 0.0001 0.01 step_size_up 37 step_size_down 50 mode exp_range gamma 0.9995",
    "long_onecycle": "schedule main onecycle 0.1 20000",
    "long_chained": "schedule main step 100 gamma 0.9 with exponential 0.9999 with multiplicative 1.00001 per step",
    "long_sequential": "schedule main linear start_factor 0.01 total_iters 500 until 500 then polynomial total_iters 15000 "
                       "power 1.5 until 15500 then lambda 0.5 per step",
}


def build_long(name, desc, steps, make, root):
    """Every step is computed; the fixture keeps every LONG_STRIDE-th and the last 3 rows."""
    d = os.path.join(root, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    dummy = torch.zeros(1, requires_grad=True)
    opt = SGD([dummy], lr=0.1, momentum=0.9)
    sched = make(opt)
    rows = ["step,lr,momentum"]
    for s in range(steps):
        if s % LONG_STRIDE == 0 or s >= steps - 3:
            pg = opt.param_groups[0]
            rows.append(f"{s},{R.fmt_float(pg['lr'])},{R.fmt_float(pg['momentum'])}")
        opt.step()
        sched.step()
    write(os.path.join(d, "sampled.csv"), "\n".join(rows) + "\n")
    write(os.path.join(d, "case.lrs"), script(LONG_SCRIPTS[name], "sgd lr 0.1 momentum 0.9"))
    write(os.path.join(d, "expected.json"), json.dumps(
        {"kind": "long", "steps": steps, "lr": 0.1, "optimizer": "sgd momentum 0.9", "description": desc,
         "generated_by": f"torch {torch.__version__}"}, indent=2) + "\n")


# --------------------------------------------------------------------------- plateau

def plateau_case(name, body, desc, losses, opt_kw):
    return {"name": name, "script": script(body), "description": desc, "losses": losses, "kw": opt_kw}


def _losses(seed, n, pattern):
    import random
    rnd = random.Random(seed)
    return [pattern(i) + 0.001 * rnd.random() for i in range(n)]


PLATEAU = [
    plateau_case("plateau_default", "schedule main plateau",
                 "ReduceLROnPlateau defaults on a loss that stalls after epoch 5, 40 epochs.",
                 _losses(1, 40, lambda i: max(1.0 - 0.1 * i, 0.5)), {}),
    plateau_case("plateau_cooldown_abs", "schedule main plateau factor 0.5 patience 2 threshold 0.05 threshold_mode abs cooldown 3",
                 "ReduceLROnPlateau(factor=0.5, patience=2, threshold=0.05 abs, cooldown=3) on a slowly "
                 "falling loss, 40 epochs.",
                 _losses(2, 40, lambda i: 2.0 - 0.012 * i),
                 {"factor": 0.5, "patience": 2, "threshold": 0.05, "threshold_mode": "abs", "cooldown": 3}),
    plateau_case("plateau_max_minlr_eps", "schedule main plateau mode max factor 0.3 patience 1 min_lr 0.002 eps 0.0005",
                 "ReduceLROnPlateau(mode=max, factor=0.3, patience=1, min_lr=0.002, eps=5e-4) on a metric "
                 "that rises then falls, 30 epochs: min_lr caps, eps stops tiny reductions.",
                 _losses(3, 30, lambda i: 0.5 + 0.02 * min(i, 8) - 0.01 * max(i - 8, 0)),
                 {"mode": "max", "factor": 0.3, "patience": 1, "min_lr": 0.002, "eps": 0.0005}),
    plateau_case("plateau_max_abs", "schedule main plateau mode max threshold 0.01 threshold_mode abs patience 0",
                 "ReduceLROnPlateau(mode=max, threshold=0.01 abs, patience=0), 25 epochs.",
                 _losses(4, 25, lambda i: 0.3 + 0.02 * math.sin(i)), {"mode": "max", "threshold": 0.01,
                                                                       "threshold_mode": "abs", "patience": 0}),
]


def write(path, text):
    R.write_text(path, text)


def build_plateau(p, root):
    d = os.path.join(root, p["name"])
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    dummy = torch.zeros(1, requires_grad=True)
    opt = SGD([dummy], lr=0.1)
    sched = LS.ReduceLROnPlateau(opt, **p["kw"])
    rows = ["epoch,step,group,lr"]
    for e, loss in enumerate(p["losses"]):
        rows.append(f"{e},{e},main,{R.fmt_float(opt.param_groups[0]['lr'])}")
        opt.step()
        sched.step(loss)
    write(os.path.join(d, "case.lrs"), p["script"])
    write(os.path.join(d, "losses.csv"),
          "epoch,loss\n" + "".join(f"{e},{R.fmt_float(x)}\n" for e, x in enumerate(p["losses"])))
    write(os.path.join(d, "schedule.csv"), "\n".join(rows) + "\n")
    write(os.path.join(d, "expected.json"), json.dumps(
        {"kind": "plateau", "epochs": len(p["losses"]), "description": p["description"],
         "generated_by": f"torch {torch.__version__}"}, indent=2) + "\n")


def momentum_rows(c: ScheduleCase):
    """The momentum / betas[0] in force for every optimizer step, as refgen's loop syncs it."""
    groups = c.groups()
    rates = [R.GroupRate(g, dict(g.hps)) for g in groups]
    rows, step, moving = [], 0, set()
    first = {}
    for epoch in range(c.epochs):
        for _ in range(c.steps_per_epoch):
            for g, r in zip(groups, rates):
                pg = r.pg
                m = pg["betas"][0] if "betas" in pg else pg.get("momentum")
                if m is not None:
                    rows.append((epoch, step, g.name, float(m)))
                    if first.setdefault(g.name, float(m)) != float(m):
                        moving.add(g.name)
            for g, r in zip(groups, rates):
                if g.sched and g.sched.per_step:
                    r.step()
            step += 1
        for g, r in zip(groups, rates):
            if g.sched and not g.sched.per_step:
                r.step()
    return [r for r in rows if r[2] in moving]


def main() -> int:
    import warnings
    warnings.simplefilter("ignore")
    root = os.path.join(HERE, "cases")
    os.makedirs(root, exist_ok=True)
    for c in CASES:
        R.build_schedule_case(c, root)
        rows = momentum_rows(c)
        if rows:
            write(os.path.join(root, c.name, "momentum.csv"), "epoch,step,group,momentum\n" +
                  "".join(f"{e},{s},{g},{R.fmt_float(m)}\n" for e, s, g, m in rows))
        print("wrote", c.name)
    lroot = os.path.join(HERE, "long")
    os.makedirs(lroot, exist_ok=True)
    for name, desc, steps, make in LONG:
        build_long(name, desc, steps, make, lroot)
        print("wrote", name)
    proot = os.path.join(HERE, "plateau")
    os.makedirs(proot, exist_ok=True)
    for p in PLATEAU:
        build_plateau(p, proot)
        print("wrote", p["name"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
