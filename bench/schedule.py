#!/usr/bin/env python3
"""Schedule benchmark: `lrs schedule FILE --format csv > /dev/null` on a generated script of
100 groups, each with its own per-step lambda schedule, over 10,000 steps (a million rows),
beside PyTorch's LambdaLR computing the same rates (one optimizer, a lambda per group,
`scheduler.step()` and `get_last_lr()` per step), in alternating rounds in one run.

    python bench/schedule.py [--lrs .build/release/lrs] [--python VENV/bin/python] [--rounds 5]

lrs is timed as a whole process (start, parse, check, compute, format, write); PyTorch only
for computing the rates, inside an interpreter that has already imported torch.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GROUPS, EPOCHS, STEPS_PER_EPOCH = 100, 100, 100

TORCH = """
import sys, time, warnings, torch
warnings.simplefilter("ignore")
torch.set_num_threads(1)
from torch.optim.lr_scheduler import LambdaLR
G, N = {groups}, {steps}
for line in sys.stdin:
    t = time.perf_counter()
    ps = [torch.zeros(1, requires_grad=True) for _ in range(G)]
    opt = torch.optim.SGD([{{"params": [p], "lr": 0.001 * (g + 1)}} for g, p in enumerate(ps)])
    lams = [(lambda s, b=0.95 + 0.0004 * g: b ** (s / 100)) for g in range(G)]
    sch = LambdaLR(opt, lams)
    rows = []
    for _ in range(N):
        rows.append(sch.get_last_lr())
        sch.step()
    print(time.perf_counter() - t, rows[-1][-1], flush=True)
"""


def script_text():
    lines = [f"# {GROUPS} groups, each with its own per-step lambda schedule", "input 4",
             "model < " + "; ".join(f"l{g}: linear 4 4" for g in range(GROUPS)) + " >", "optimizer sgd"]
    lines += [f"group l{g} lr {0.001 * (g + 1):.6g}" for g in range(GROUPS)]
    lines += [f"schedule l{g} lambda {0.95 + 0.0004 * g:.6g}^(step / 100) per step" for g in range(GROUPS)]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrs", default=os.path.join(ROOT, ".build/release/lrs"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "sched100.lrs")
        with open(path, "w") as f:
            f.write(script_text())
        argv = [args.lrs, "schedule", path, "--epochs", str(EPOCHS), "--steps-per-epoch", str(STEPS_PER_EPOCH),
                "--format", "csv"]
        rows = subprocess.run(argv, check=True, capture_output=True).stdout.count(b"\n") - 1
        torch = subprocess.Popen([args.python, "-c", TORCH.format(groups=GROUPS, steps=EPOCHS * STEPS_PER_EPOCH)],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        lrs_times, torch_times = [], []
        with open(os.devnull, "wb") as null:
            for _ in range(args.rounds):
                t = time.perf_counter()
                subprocess.run(argv, check=True, stdout=null)
                lrs_times.append(time.perf_counter() - t)
                torch.stdin.write("go\n")
                torch.stdin.flush()
                torch_times.append(float(torch.stdout.readline().split()[0]))
        torch.stdin.close()
        torch.wait()
    lrs_best, torch_best = min(lrs_times), min(torch_times)
    print(f"{GROUPS} groups x {EPOCHS * STEPS_PER_EPOCH} steps of per-step lambda schedules ({rows} CSV rows); "
          f"best of {args.rounds} alternating rounds")
    print(f"{'':34}{'seconds':>10}")
    print(f"{'lrs schedule --format csv (whole)':34}{lrs_best:10.3f}")
    print(f"{'torch LambdaLR (compute only)':34}{torch_best:10.3f}")
    print(f"ratio lrs/torch {lrs_best / torch_best:.2f} (goal <= 0.5)")


if __name__ == "__main__":
    main()
