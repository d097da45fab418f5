"""The runtime benchmarks side by side: lrs (release build) and PyTorch on identical workloads.

    "$TORCH_PYTHON" bench/runtime.py [--lrs-bench PATH] [--iterations N] [--rounds R]

Workloads (same as `lrs-bench runtime`):
  cnn  seed 1: conv 3 16 3; relu; linear 10816 10; batch 64 of 3x28x28; cross_entropy;
       Adam with two groups (conv lr 0.01, linear lr 0.001)
  mlp  784-256-256-10 with relu; batch 128; cross_entropy; SGD lr 0.01 momentum 0.9
Phases: forward (forward + loss), forward_backward (zero_grad + forward + loss + backward),
step (forward_backward + optimizer step). Each figure is the median over N iterations.

PyTorch runs in two configurations, each in its own process: `stock` (defaults: foreach
Adam, glibc malloc defaults) and `tuned` (fused Adam, and MALLOC_MMAP_THRESHOLD_ /
MALLOC_TRIM_THRESHOLD_ set so freed activation memory is kept rather than returned to the
OS every step). R rounds alternate lrs and PyTorch; the table shows each configuration's
best median over the rounds, and the ratios lrs / PyTorch from those.
"""
import argparse
import json
import os
import resource
import sys
import time

from side_by_side import keep_best, print_table, run_lrs_bench, run_torch_worker, training_phases

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def torch_worker(config: str, iterations: int, warmup: int) -> dict:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    def peak_mb():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    fused = config == "tuned"
    results = {}
    rss_before = peak_mb()

    def run(name, model, x, y, opt):
        for phase, body in training_phases(model, x, y, opt, F.cross_entropy).items():
            for _ in range(warmup):
                body()
            times = []
            for _ in range(iterations):
                t0 = time.perf_counter_ns()
                body()
                times.append((time.perf_counter_ns() - t0) / 1e6)
            times.sort()
            results[f"runtime.{name}.{phase}"] = times[len(times) // 2]

    torch.manual_seed(1)
    cnn = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Flatten(), nn.Linear(10816, 10))
    x = torch.rand(64, 3, 28, 28)
    y = torch.arange(64) % 10
    opt = torch.optim.Adam([{"params": cnn[0].parameters(), "lr": 0.01},
                            {"params": cnn[3].parameters(), "lr": 0.001}], fused=fused or None)
    run("cnn", cnn, x, y, opt)
    results["runtime.cnn.peak_rss_mb"] = peak_mb()
    results["runtime.cnn.rss_before_mb"] = rss_before

    torch.manual_seed(2)
    mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    x = torch.rand(128, 784)
    y = torch.arange(128) % 10
    opt = torch.optim.SGD(mlp.parameters(), lr=0.01, momentum=0.9)
    run("mlp", mlp, x, y, opt)
    results["threads"] = torch.get_num_threads()
    results["torch"] = torch.__version__
    return results


def run_torch(config: str, iterations: int, warmup: int) -> dict:
    return run_torch_worker(__file__, config, ["--iterations", str(iterations), "--warmup", str(warmup)])


def run_lrs(binary: str, iterations: int, warmup: int) -> dict:
    return run_lrs_bench(binary, ["runtime", "--iterations", str(iterations), "--warmup", str(warmup)], "runtime")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrs-bench", default=os.path.join(ROOT, ".build", "release", "lrs-bench"))
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--worker")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(torch_worker(args.worker, args.iterations, args.warmup)))
        return
    if not os.path.exists(args.lrs_bench):
        sys.exit(f"{args.lrs_bench} not found: build it with `swift build -c release --product lrs-bench`")
    best = {"lrs": {}, "stock": {}, "tuned": {}}
    meta = {}
    for _ in range(args.rounds):
        for config in ("lrs", "stock", "tuned"):
            res = run_lrs(args.lrs_bench, args.iterations, args.warmup) if config == "lrs" \
                else run_torch(config, args.iterations, args.warmup)
            keep_best(best, meta, config, res, "runtime")
    print_table(best, meta, "runtime", args.rounds, args.iterations, width=28)


if __name__ == "__main__":
    main()
