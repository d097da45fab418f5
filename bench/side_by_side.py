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
