#!/usr/bin/env python3
"""build(model) benchmark: the module `lrs export --to pytorch --module` writes, imported and
called on a model of 1,000 parameters (500 linear layers with weight and bias), each in a
fresh `python -c`, as the user's training script would.

    python bench/module_build.py [--lrs .build/release/lrs] [--python VENV/bin/python] [--runs 7]

Two setups: `decay` (no weight decay on biases, AdamW, one cosine schedule: 2 groups) and
`layerwise` (`each layer` layer-wise decay: 500 groups, a per-step linear warm-up on every
group). Timed with time.perf_counter inside the process: `import` of the module (torch
already imported, so its own cost only) and `build(model)` (the strict check of the 1,000
names and shapes, grouping, optimizers, schedules). `import torch` and building the model
are the user's and are not counted. Neither is PyTorch's first-optimizer cost: the first
torch.optim optimizer a process constructs imports torch._dynamo (2-3 s here, in any PyTorch
program), so the measuring process constructs one throwaway SGD first and reports that time
apart (`first optimizer`). `by hand` is the same optimizer and schedulers constructed
directly from the module's group lists, PyTorch's own share of build(). Python may write
bytecode (PYTHONDONTWRITEBYTECODE is dropped), as for an installed module: the first run
compiles the module (`first import`), later ones load it. Goal: under 50 ms. Prints the
median of the runs.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LAYERS = 500

SETUPS = {
    "decay": """optimizer adamw lr 1e-3 weight_decay 0.05
group "*.bias" weight_decay 0 as no_decay
group rest as decay
schedule all cosine 100
""",
    "layerwise": """optimizer adamw lr 1e-3 weight_decay 0.05
group all each layer lr 1e-3 * 0.99^(layers - 1 - layer) as block
schedule all linear start_factor 0.1 total_iters 100 per step
""",
}

MEASURE = """
import time
import torch
from collections import OrderedDict
from torch import nn
model = nn.Sequential(OrderedDict((str(i), nn.Linear(4, 4)) for i in range({layers})))
t = time.perf_counter()
torch.optim.SGD([nn.Parameter(torch.zeros(1))])
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
setup = {module}.build(model)
t2 = time.perf_counter()
assert sum(len(g["params"]) for o in setup.optimizers for g in o.param_groups) == {count}
# The same optimizer and schedulers written by hand, for PyTorch's own share of build().
named = dict(model.named_parameters())
t3 = time.perf_counter()
groups = [{{**g, "params": [named[n] for n in g["params"]]}} for g in {module}.ALL_GROUPS]
{module}.make_schedules([torch.optim.AdamW(groups, lr=1e-3, weight_decay=0.05)])
t4 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000, (t0 - t) * 1000, (t4 - t3) * 1000)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lrs", default=os.path.join(ROOT, ".build/release/lrs"))
    parser.add_argument("--python", default=os.environ.get("TORCH_PYTHON", sys.executable))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        model = "input 4\nmodel <\n" + "".join("  linear 4 4\n" for _ in range(LAYERS)) + ">\n"
        print(f"{'setup':<10} {'groups':>6} {'import ms':>10} {'build ms':>9} {'total ms':>9} "
              f"{'by hand ms':>10} {'first import ms':>15} {'first optimizer ms':>18}")
        for name, setup in SETUPS.items():
            script = os.path.join(directory, f"bench_{name}.lrs")
            with open(script, "w", encoding="utf-8") as f:
                f.write(model + setup)
            module = os.path.join(directory, f"bench_{name}.py")
            subprocess.run([args.lrs, "export", script, "--to", "pytorch", "--module", "-o", module],
                           check=True)
            code = MEASURE.format(layers=LAYERS, module=f"bench_{name}", count=2 * LAYERS)
            imports, builds, firsts, hands = [], [], [], []
            environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            for _ in range(args.runs):
                out = subprocess.run([args.python, "-c", code], cwd=directory, check=True,
                                     capture_output=True, text=True,
                                     env={**environment, "OMP_NUM_THREADS": "1"}).stdout.split()
                imports.append(float(out[0]))
                builds.append(float(out[1]))
                firsts.append(float(out[2]))
                hands.append(float(out[3]))
            groups = 2 if name == "decay" else LAYERS
            i, b = statistics.median(imports[1:]), statistics.median(builds)
            first, hand = statistics.median(firsts), statistics.median(hands)
            print(f"{name:<10} {groups:>6} {i:>10.1f} {b:>9.1f} {i + b:>9.1f} {hand:>10.1f} "
                  f"{imports[0]:>15.1f} {first:>18.0f}")


if __name__ == "__main__":
    main()
