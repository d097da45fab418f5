#!/usr/bin/env python3
"""Whole-run benchmark: `lrs run` of the digits sample and of the seed-1 CNN on synthetic
data, beside the same runs in PyTorch (bench/run_torch.py), as whole-process wall time and
peak resident memory, each run `--repeat` times in alternation, in one invocation.

    python bench/run.py [--lrs .build/release/lrs] [--python "$TORCH_PYTHON"] [--repeat 3]
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def measure(argv, cwd):
    """(wall seconds, peak RSS in MiB) of one child process."""
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.chdir(cwd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execvp(argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    if status != 0:
        raise SystemExit(f"{' '.join(argv)} failed with status {status}")
    return wall, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrs", default=os.path.join(ROOT, ".build/release/lrs"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    workloads = [
        ("digits MLP, 30 epochs", [args.lrs, "run", "samples/digits.lrs", "--quiet"],
         [args.python, os.path.join(HERE, "run_torch.py"), "digits"]),
        ("seed-1 CNN, synthetic, 3 epochs", [args.lrs, "run", "samples/cnn_synthetic.lrs", "--quiet"],
         [args.python, os.path.join(HERE, "run_torch.py"), "cnn"]),
    ]
    print(f"{'workload':34} {'lrs s':>8} {'torch s':>8} {'ratio':>6} {'lrs MiB':>8} {'torch MiB':>9} {'ratio':>6}")
    for name, lrs_cmd, torch_cmd in workloads:
        lt, tt, lm, tm = [], [], [], []
        for _ in range(args.repeat):
            w, m = measure(lrs_cmd, ROOT)
            lt.append(w); lm.append(m)
            w, m = measure(torch_cmd, ROOT)
            tt.append(w); tm.append(m)
        a, b = statistics.median(lt), statistics.median(tt)
        c, d = max(lm), max(tm)
        print(f"{name:34} {a:8.2f} {b:8.2f} {a / b:6.2f} {c:8.1f} {d:9.1f} {c / d:6.2f}")
    print(f"(median wall time and largest peak RSS of {args.repeat} alternating runs; ratio = lrs / torch)")


if __name__ == "__main__":
    main()
