"""Optimizer step throughput: lrs beside PyTorch, measured in one run.

    "$TORCH_PYTHON" bench/optim.py [--rounds R] [--steps N] [--kinds adam,sgd_momentum|all]
                                         [--lrs-bench PATH] [--no-build]

Builds `lrs-bench` in release (unless --no-build), then for each of R rounds times PyTorch
(for-loop, foreach and fused Adam and SGD-momentum, and a streaming triad) and runs
`lrs-bench optim`, alternating so both see the same machine load. Each figure is the median
step time of N steps; the table shows the best round. 10 M float32 parameters as 10 tensors
of 1 M and as 1000 tensors of 10 k. Bytes moved per element: Adam 28 (read param, grad,
exp_avg, exp_avg_sq; write param, exp_avg, exp_avg_sq), SGD-momentum 20, triad 12.

The kinds of issue 15 run beside torch's for-loop and foreach implementations of the same kind
(neither has a fused one): `asgd`, `rprop`, `adafactor` (vectors: unfactored second moments),
`adafactor_factored` (each tensor a square matrix, 1000 x 1000 or 100 x 100), and `muon` on
its own layout, 10 matrices of 1024 x 1024 (torch.optim.Muon, which has one implementation);
`--kinds all` leaves muon out (a step takes seconds): name it, e.g. `--kinds adam,muon`.
"""
import argparse
import os
import subprocess
import sys
import time

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNELS = ["?"]  # the instruction set lrs's optimizer loops run with, as lrs-bench reports it
LAYOUTS = [("10x1M", 10, 1_000_000), ("1000x10k", 1000, 10_000)]
BYTES = {"adam": 28, "adamw": 28, "sgd_momentum": 20, "sgd": 12, "rmsprop": 20, "adagrad": 20,
         "adadelta": 28, "adamax": 28, "nadam": 28, "radam": 28, "adam_amsgrad": 36,
         "rmsprop_centered": 36, "triad": 12, "finite_check": 4,
         # Traffic of lrs's passes: asgd reads param, grad, ax and writes param, ax; rprop reads
         # param, grad, prev, step_size and writes all but grad; adafactor (vectors) reads param,
         # grad, variance, writes variance and its update buffer, then reads the buffer and param
         # and writes param; factored, it reads grad twice and param once more instead of variance.
         "asgd": 20, "rprop": 28, "adafactor": 32, "adafactor_factored": 36, "muon": 0}
NEW_KINDS = ["asgd", "rprop", "adafactor", "adafactor_factored"]
ALL_KINDS = ("finite_check,adam,adamw,sgd_momentum,sgd,rmsprop,adagrad,adadelta,adamax,nadam,radam,adam_amsgrad,"
             "rmsprop_centered,asgd,rprop,adafactor,adafactor_factored")


def median_ms(fn, steps, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def torch_new_kinds(kinds, steps):
    """torch's for-loop and foreach steps of the issue-15 kinds that `kinds` names."""
    results = {}
    gen = torch.Generator().manual_seed(0)
    makers = {"asgd": lambda ps, **kw: torch.optim.ASGD(ps, lr=1e-3, **kw),
              "rprop": lambda ps, **kw: torch.optim.Rprop(ps, lr=1e-3, **kw),
              "adafactor": lambda ps, **kw: torch.optim.Adafactor(ps, lr=1e-2, **kw),
              "adafactor_factored": lambda ps, **kw: torch.optim.Adafactor(ps, lr=1e-2, **kw)}
    for kind in [k for k in NEW_KINDS if k in kinds]:
        for layout, tensors, size in LAYOUTS:
            side = int(round(size ** 0.5))
            shape = (side, side) if kind == "adafactor_factored" and side * side == size else (size,)
            params = [torch.randn(shape, generator=gen) for _ in range(tensors)]
            for p in params:
                p.grad = torch.randn(shape, generator=gen) * 0.01
            for impl, kw in [("for-loop", {"foreach": False}), ("foreach", {"foreach": True})]:
                opt = makers[kind](params, **kw)
                results[(kind, layout, "torch " + impl)] = median_ms(opt.step, steps)
                del opt
            del params
    if "muon" in kinds:
        params = [torch.randn(1024, 1024, generator=gen) for _ in range(10)]
        for p in params:
            p.grad = torch.randn(1024, 1024, generator=gen) * 0.01
        opt = torch.optim.Muon(params, lr=0.02)
        results[("muon", "10x1024x1024", "torch for-loop")] = median_ms(opt.step, min(steps, 5), warmup=1)
        del opt, params
    return results


def torch_round(steps, kinds=()):
    results = torch_new_kinds(kinds, steps)
    n = 10_000_000
    a, b, c = torch.zeros(n), torch.ones(n), torch.ones(n)
    results[("triad", "-", "torch")] = median_ms(lambda: torch.add(b, c, alpha=3.0, out=a), steps)
    del a, b, c
    gen = torch.Generator().manual_seed(0)
    for layout, tensors, size in LAYOUTS:
        params = [torch.randn(size, generator=gen) for _ in range(tensors)]
        for p in params:
            p.grad = torch.randn(size, generator=gen) * 0.01
        for kind, make in [("adam", lambda **kw: torch.optim.Adam(params, lr=1e-3, **kw)),
                           ("sgd_momentum", lambda **kw: torch.optim.SGD(params, lr=1e-3, momentum=0.9, **kw))]:
            for impl, kw in [("for-loop", {"foreach": False}), ("foreach", {"foreach": True}),
                             ("fused", {"fused": True})]:
                opt = make(**kw)
                results[(kind, layout, "torch " + impl)] = median_ms(opt.step, steps)
                del opt
    return results


def lrs_round(binary, steps, kinds):
    """Each kind in a process of its own: in one process the first kind's tensors get the
    kernel's transparent huge pages and later kinds' do not, which moved their ratios by
    up to a fifth."""
    layout = ["--layout", LAYOUTS[0][0]] if len(LAYOUTS) == 1 else []
    out = ""
    for kind in kinds:
        out += subprocess.run([binary, "optim", "--kinds", kind, "--steps", str(steps)] + layout,
                              check=True, capture_output=True, text=True).stdout
    results = {}
    for line in out.splitlines():
        fields = line.split("\t")
        if len(fields) == 5 and fields[0] == "optim" and fields[1] == "kernels":
            KERNELS[0] = fields[2]
        elif len(fields) == 5 and fields[0] == "optim":
            results[(fields[1], fields[2], "lrs")] = float(fields[4])
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--kinds", default="adam,sgd_momentum")
    parser.add_argument("--lrs-bench", default=os.path.join(ROOT, ".build", "release", "lrs-bench"))
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--layout", help="TENSORSxSIZE instead of the two standard layouts, e.g. 100000x100")
    args = parser.parse_args()
    torch.set_num_threads(2)
    kinds = ALL_KINDS.split(",") if args.kinds == "all" else args.kinds.split(",")
    if args.layout:
        tensors, size = (int(x) for x in args.layout.split("x"))
        LAYOUTS[:] = [(args.layout, tensors, size)]
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "lrs-bench"], cwd=ROOT, check=True,
                       stdout=sys.stderr)
    best = {}
    for _ in range(args.rounds):
        for results in (torch_round(args.steps, kinds), lrs_round(args.lrs_bench, args.steps, kinds)):
            for key, ms in results.items():
                best[key] = min(ms, best.get(key, float("inf")))

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; lrs kernels {KERNELS[0]}; best of "
          f"{args.rounds} rounds, each the median of {args.steps} steps\n")
    print("| workload | layout | implementation | ms/step | M elem/s | GB/s | vs torch fused | vs torch fastest |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |")
    order = ["lrs", "torch fused", "torch foreach", "torch for-loop", "torch"]
    keys = sorted(best, key=lambda k: (k[0] != "triad", k[0], k[1], order.index(k[2])))
    for kind, layout, impl in keys:
        ms = best[(kind, layout, impl)]
        elements = (10 * 1024 * 1024 if layout == "10x1024x1024" else 10_000_000 if layout == "-" else
                    next(t * n for name, t, n in LAYOUTS if name == layout))
        fused = best.get((kind, layout, "torch fused"))
        ratio = f"{fused / ms:.2f}x" if fused else ""
        torch_times = [v for (k, l, i), v in best.items() if k == kind and l == layout and i.startswith("torch")]
        fastest = f"{min(torch_times) / ms:.2f}x" if torch_times else ""
        print(f"| {kind} | {layout} | {impl} | {ms:.2f} | {elements / ms / 1e3:.0f} | "
              f"{BYTES.get(kind, 0) * elements / ms / 1e6:.1f} | {ratio} | {fastest} |")
    adam = {layout: best.get(("adam", layout, "lrs")) for layout, _, _ in LAYOUTS}
    others = [k for k in keys if k[2] == "lrs" and k[0] not in ("adam", "triad", "finite_check", "muon")]
    if others and all(adam.values()):
        print("\nlrs time per element relative to lrs Adam on the same layout:")
        for kind, layout, _ in others:
            print(f"  {kind:18s} {layout:9s} {best[(kind, layout, 'lrs')] / adam[layout]:.2f}")


if __name__ == "__main__":
    main()
