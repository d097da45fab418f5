#!/usr/bin/env python3
"""Batch benchmark: a grid of 12 small runs (the digits MLP for 30 epochs, 3 learning rates
x 4 widths) as one `lrs run -D ... --jobs 2`, beside the same 12 runs started one after
another (`lrs run -D rate=R -D width=W` each), in alternating rounds in one invocation.

    python bench/grid.py [--lrs .build/release/lrs] [--rounds 3]
"""
import argparse
import itertools
import os
import shutil
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
RATES = ["0.001", "0.003", "0.01"]
WIDTHS = ["32", "64", "128", "256"]
SCRIPT = """let rate = 0.003
let width = 128
seed 0
input 64
model < hidden: linear 64 width; relu; out: linear width 10 >
optimizer adam lr rate
data npy "digits_x.npy" "digits_y.npy"
split 0.2
train epochs 30 batch 32
"""


def timed(argv, cwd):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrs", default=os.path.join(ROOT, ".build/release/lrs"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    lrs = os.path.abspath(args.lrs)
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["digits_x.npy", "digits_y.npy"]:
            shutil.copy(os.path.join(ROOT, "samples", "data", name), tmp)
        with open(os.path.join(tmp, "grid.lrs"), "w") as f:
            f.write(SCRIPT)
        serial, batch = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            for rate, width in itertools.product(RATES, WIDTHS):
                timed([lrs, "run", "grid.lrs", "-D", f"rate={rate}", "-D", f"width={width}", "--quiet"], tmp)
            serial.append(time.perf_counter() - start)
            out = os.path.join(tmp, "out")
            batch.append(timed([lrs, "run", "grid.lrs", "-D", "rate=" + ",".join(RATES), "-D", "width=" + ",".join(WIDTHS),
                                "--jobs", str(args.jobs), "--out", out, "--results", "results.csv"], tmp))
            shutil.rmtree(out, ignore_errors=True)
    s, b = min(serial), min(batch)
    print(f"grid of {len(RATES) * len(WIDTHS)} runs (digits MLP, 30 epochs); best of {args.rounds} alternating rounds")
    print(f"{'one after another (12 x lrs run)':38}{s:8.2f} s")
    print(f"{f'lrs run -D ... --jobs {args.jobs}':38}{b:8.2f} s")
    print(f"ratio {b / s:.2f} (goal <= 0.6)")


if __name__ == "__main__":
    main()
