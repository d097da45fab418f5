#!/usr/bin/env python3
"""Checkpoint benchmark (issue 14): whole-process wall time of `lrs check` on a script whose
model comes from a checkpoint's headers, beside the same grouping done in Python
(`safetensors.safe_open` + keys + shapes, the same rules with `re`/`fnmatch`), timed from
`python -c` start. Two checkpoints are generated:

  (a) a Llama-70B-shaped model in Hugging Face's sharded layout: 80 layers, 723 tensors,
      BF16, 30 shards and `model.safetensors.index.json`, declaring 141 GB of data;
  (b) one safetensors file whose header names 10,000 tensors.

Headers only: every shard is a sparse file, truncated to the size its header declares, so
the offsets are valid (lrs checks that the tensors tile the data exactly) and the files take
no disk space. Nothing reads the data: the rules use names and shapes only.

    python bench/checkpoint.py [--lrs .build/release/lrs] [--python VENV/bin/python] [--runs 30]
                               [--framework numpy|pt] [--as-linked]

`lrs` runs from a copy of the binary, as `cp` or `install` leaves it (`--as-linked`: from where
the linker wrote it). On Linux 6.x the linker's small writes leave an 87 MB binary's file pages
in 4 KB page-cache folios, which its start then faults in one by one: measured here, the same
binary, just re-linked, started 0.4-0.5 ms slower from `.build` than from a copy (2.3 against 1.8 ms for a
one-tensor check), until its pages left the cache.

Uses hyperfine when it is on PATH, else alternating rounds timed here.
"""
import argparse
import json
import os
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DTYPE_SIZE = {"BF16": 2, "F32": 4}


def write_sparse_safetensors(path, tensors, dtype):
    """A safetensors file whose header declares `tensors` ([(name, shape)]) laid out in
    order; the data section is a hole of the declared size."""
    header, offset = {}, 0
    for name, shape in tensors:
        count = 1
        for d in shape:
            count *= d
        size = count * DTYPE_SIZE[dtype]
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    header["__metadata__"] = {"format": "pt"}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.truncate(8 + len(text) + offset)
    return offset


def llama70b(directory, shards=30):
    """Llama-2-70B's names and shapes, sharded as `save_pretrained` does (by size)."""
    h, inter, kv, vocab, layers = 8192, 28672, 1024, 32000, 80
    tensors = [("model.embed_tokens.weight", [vocab, h])]
    for i in range(layers):
        p = f"model.layers.{i}."
        tensors += [(p + "input_layernorm.weight", [h]),
                    (p + "mlp.down_proj.weight", [h, inter]),
                    (p + "mlp.gate_proj.weight", [inter, h]),
                    (p + "mlp.up_proj.weight", [inter, h]),
                    (p + "post_attention_layernorm.weight", [h]),
                    (p + "self_attn.k_proj.weight", [kv, h]),
                    (p + "self_attn.o_proj.weight", [h, h]),
                    (p + "self_attn.q_proj.weight", [h, h]),
                    (p + "self_attn.v_proj.weight", [kv, h])]
    tensors += [("model.norm.weight", [h]), ("lm_head.weight", [vocab, h])]
    per = -(-len(tensors) // shards)
    weight_map, total = {}, 0
    for s in range(shards):
        part = tensors[s * per:(s + 1) * per]
        name = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        total += write_sparse_safetensors(os.path.join(directory, name), part, "BF16")
        for tensor, _ in part:
            weight_map[tensor] = name
    with open(os.path.join(directory, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    with open(os.path.join(directory, "setup.lrs"), "w") as f:
        f.write('model from "model.safetensors.index.json"\n'
                "optimizer adamw lr 3e-4 betas 0.9 0.95 weight_decay 0.1\n"
                'group "model.embed_tokens.*" or lm_head lr 1e-4 as embeddings\n'
                "group all where ndim >= 2 as decay\n"
                "group rest weight_decay 0 as no_decay\n")
    return len(tensors), total


def wide(directory, count=10000):
    """10,000 tensors: 1,000 blocks of ten (attention, MLP, two norms)."""
    tensors = []
    for i in range(count // 10):
        p = f"blocks.{i}."
        tensors += [(p + "norm1.weight", [64]), (p + "norm1.bias", [64]),
                    (p + "attn.qkv.weight", [192, 64]), (p + "attn.qkv.bias", [192]),
                    (p + "attn.proj.weight", [64, 64]), (p + "attn.proj.bias", [64]),
                    (p + "norm2.weight", [64]), (p + "norm2.bias", [64]),
                    (p + "mlp.fc1.weight", [256, 64]), (p + "mlp.fc2.weight", [64, 256])]
    total = write_sparse_safetensors(os.path.join(directory, "model.safetensors"), tensors, "F32")
    with open(os.path.join(directory, "setup.lrs"), "w") as f:
        f.write('model from "model.safetensors"\n'
                "optimizer adamw lr 1e-3 weight_decay 0.05\n"
                'group "*.bias" or norm1 or norm2 weight_decay 0 as no_decay\n'
                'group "blocks.*.attn.*" lr 5e-4 as attention\n'
                "group rest as decay\n")
    return len(tensors), total


# The same setups in Python: names and shapes from safe_open, then the rules with fnmatch
# and re, first match wins. FRAMEWORK is "pt" as training code opens checkpoints (which
# imports torch), or "numpy", Python's best case (no torch import).
PYTHON_INDEX = r"""
import json, os, re, sys
FRAMEWORK = sys.argv[2]
from fnmatch import fnmatchcase
from safetensors import safe_open
index = sys.argv[1]
d = os.path.dirname(index)
weight_map = json.load(open(index))["weight_map"]
shapes = {}
for shard in dict.fromkeys(weight_map.values()):
    with safe_open(os.path.join(d, shard), framework=FRAMEWORK) as f:
        for k in f.keys():
            shapes[k] = f.get_slice(k).get_shape()
groups = {"embeddings": [], "decay": [], "no_decay": []}
for name in weight_map:
    shape = shapes[name]
    if re.search(r"(^|\.)lm_head(\.|$)", name) or fnmatchcase(name, "model.embed_tokens.*"):
        groups["embeddings"].append(name)
    elif len(shape) >= 2:
        groups["decay"].append(name)
    else:
        groups["no_decay"].append(name)
print({k: len(v) for k, v in groups.items()})
"""

PYTHON_WIDE = r"""
import re, sys
FRAMEWORK = sys.argv[2]
from fnmatch import fnmatchcase
from safetensors import safe_open
with safe_open(sys.argv[1], framework=FRAMEWORK) as f:
    names = list(f.keys())
groups = {"no_decay": [], "attention": [], "decay": []}
word = re.compile(r"(^|\.)(norm1|norm2)(\.|$)")
for name in names:
    if fnmatchcase(name, "*.bias") or word.search(name):
        groups["no_decay"].append(name)
    elif fnmatchcase(name, "blocks.*.attn.*"):
        groups["attention"].append(name)
    else:
        groups["decay"].append(name)
print({k: len(v) for k, v in groups.items()})
"""


def measure(commands, runs):
    """Mean wall seconds and mean CPU seconds (user + system) of each command: hyperfine
    when available. On a loaded machine the wall time waits for a core; CPU time does not."""
    if shutil.which("hyperfine"):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            # Through the shell (the programs hold quotes and new lines); hyperfine subtracts
            # the shell's own start-up time.
            argv = ["hyperfine", "--warmup", "3", "--runs", str(runs), "--export-json", out.name, "--style", "none"]
            subprocess.run(argv + [shlex.join(c) for c in commands], check=True, stdout=subprocess.DEVNULL)
            results = json.load(open(out.name))["results"]
        return [(r["mean"], r["user"] + r["system"]) for r in results]
    times = [[] for _ in commands]
    cpu = [[] for _ in commands]
    for _ in range(runs):
        for i, c in enumerate(commands):
            before = os.times()
            t = time.perf_counter()
            subprocess.run(c, check=True, stdout=subprocess.DEVNULL)
            times[i].append(time.perf_counter() - t)
            after = os.times()
            cpu[i].append(after.children_user - before.children_user + after.children_system - before.children_system)
    return [(sum(t) / len(t), sum(c) / len(c)) for t, c in zip(times, cpu)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lrs", default=os.path.join(ROOT, ".build/release/lrs"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--keep", help="generate into this directory and keep it")
    ap.add_argument("--as-linked", action="store_true", help="run --lrs where it is, not a copy of it")
    ap.add_argument("--framework", default="numpy", choices=["numpy", "pt"],
                    help="safe_open's framework in Python: numpy (no torch import, the default) or pt")
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp()
    installed = tempfile.mkdtemp()
    linked = args.lrs
    if not args.as_linked:
        shutil.copy2(args.lrs, os.path.join(installed, "lrs"))
        args.lrs = os.path.join(installed, "lrs")
    try:
        a, b = os.path.join(tmp, "llama70b"), os.path.join(tmp, "wide10k")
        os.makedirs(a, exist_ok=True)
        os.makedirs(b, exist_ok=True)
        cases = [("(a) Llama-70B index, 30 shards", a, llama70b(a), "model.safetensors.index.json", PYTHON_INDEX),
                 ("(b) 10,000-tensor header", b, wide(b), "model.safetensors", PYTHON_WIDE)]
        print(f"whole processes, mean of {args.runs} runs each (hyperfine, 3 warm-up runs); "
              f"lrs {'as linked' if args.as_linked else 'a copy'} of {linked}; "
              f"Python safe_open(framework={args.framework!r})")
        print(f"{'':34}{'tensors':>8}{'declared':>10}   {'wall ms: lrs':>12}{'python':>8}{'ratio':>7}"
              f"   {'cpu ms: lrs':>11}{'python':>8}{'ratio':>7}")
        for title, directory, (tensors, total), checkpoint, program in cases:
            script = os.path.join(directory, "setup.lrs")
            subprocess.run([args.lrs, "check", script], check=True, stdout=subprocess.DEVNULL)
            python = [args.python, "-c", program, os.path.join(directory, checkpoint), args.framework]
            subprocess.run(python, check=True, stdout=subprocess.DEVNULL)
            (lrs_wall, lrs_cpu), (py_wall, py_cpu) = measure(
                [[args.lrs, "check", script], python], args.runs)
            print(f"{title:34}{tensors:>8}{total / 1e9:>8.1f}GB   {lrs_wall * 1e3:>12.1f}{py_wall * 1e3:>8.1f}"
                  f"{py_wall / lrs_wall:>6.1f}x   {lrs_cpu * 1e3:>11.1f}{py_cpu * 1e3:>8.1f}{py_cpu / lrs_cpu:>6.1f}x")
    finally:
        if not args.keep:
            shutil.rmtree(tmp)
        shutil.rmtree(installed)


if __name__ == "__main__":
    main()
