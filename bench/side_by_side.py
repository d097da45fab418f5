"""What bench/runtime.py and bench/arch.py share: running `lrs-bench` and reading its
`PREFIX.NAME value` lines, and running this script's own PyTorch worker in a fresh process
(stock, or `tuned`: glibc's allocator keeps freed memory)."""
import json
import os
import subprocess
import sys

TUNED_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 31)}


def run_lrs_bench(binary: str, arguments: list, prefix: str, env: dict = None) -> dict:
    """`lrs-bench ARGUMENTS`: its `PREFIX.* value` lines as floats, and its BLAS core."""
    out = subprocess.run([binary] + arguments, env=env, check=True, capture_output=True, text=True)
    res = {}
    for line in out.stdout.splitlines():
        if line.startswith("# blas core"):
            res["blas_core"] = line.split()[-1]
        parts = line.split()
        if len(parts) == 2 and parts[0].startswith(prefix + "."):
            res[parts[0]] = float(parts[1])
    return res


def run_torch_worker(script: str, config: str, arguments: list) -> dict:
    """`python SCRIPT --worker CONFIG ARGUMENTS` in a fresh process: the JSON it prints."""
    env = dict(os.environ)
    if config == "tuned":
        env.update(TUNED_ENV)
    out = subprocess.run([sys.executable, script, "--worker", config] + arguments,
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def keep_best(best: dict, meta: dict, config: str, results: dict, prefix: str):
    """Folds one run's results into `best[config]` (the lowest of each `PREFIX.*` figure);
    everything else (versions, thread counts, the BLAS core) goes to `meta`."""
    for key, value in results.items():
        if isinstance(value, float) and key.startswith(prefix + "."):
            best[config][key] = min(best[config].get(key, value), value)
        else:
            meta[key] = value


def print_table(best: dict, meta: dict, prefix: str, rounds: int, iterations: int, width: int):
    """lrs beside stock and tuned PyTorch, one row per figure, with both ratios."""
    print(f"torch {meta.get('torch')} ({meta.get('threads')} threads), {rounds} rounds x "
          f"{iterations} iterations, best median per configuration (ms; memory MiB); "
          f"lrs on OpenBLAS {meta.get('blas_core')} kernels")
    print(f"{'workload':<{width}}{'lrs':>10}{'torch':>10}{'tuned':>10}{'lrs/torch':>11}{'lrs/tuned':>11}")
    for key in best["lrs"]:
        a, b, c = best["lrs"][key], best["stock"].get(key), best["tuned"].get(key)
        name = key[len(prefix) + 1:]
        r1 = f"{a / b:.2f}" if b else "-"
        r2 = f"{a / c:.2f}" if c else "-"
        print(f"{name:<{width}}{a:>10.3f}{b or 0:>10.3f}{c or 0:>10.3f}{r1:>11}{r2:>11}")


def training_phases(model, x, y, opt, loss):
    """The phases of a training step that lrs-bench times, as PyTorch runs them: forward with
    the loss, zero_grad + forward + backward, and that with the optimizer's step."""
    def forward():
        return loss(model(x), y)

    def forward_backward():
        opt.zero_grad()
        forward().backward()

    def step():
        forward_backward()
        opt.step()

    return {"forward_ms": forward, "forward_backward_ms": forward_backward, "step_ms": step}
